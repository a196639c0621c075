graph [
  directed 0
  node [
    id 0
    label "a"
    name "Ada"
    skills "sql,python"
  ]
  node [
    id 1
    label "b"
    name "Bo"
    skills "python"
  ]
  edge [
    source 0
    target 1
    cc 1e999
  ]
]
