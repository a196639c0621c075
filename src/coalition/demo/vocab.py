"""Word lists for the demo network: capabilities, purposes, places, names and phrasing.

Data only, no logic: :mod:`coalition.demo.network` draws from these tables. Every person, place and
organisation built from them is fictional; the cities and time zones are real so that the
time-zone and language features have something true to work on.
"""

from __future__ import annotations

from .vocab_places import CITIES, CULTURES, EXTRA_LANGUAGES, NEIGHBOURHOODS

__all__ = [
    "CAPABILITIES",
    "CATEGORY_ROLE_TITLES",
    "CATEGORY_NOUNS",
    "CATEGORY_WEIGHTS",
    "CITIES",
    "COMPOUND_HEADS",
    "COMPOUND_TAILS",
    "CREDENTIAL_LEVELS",
    "CROSS_CUTTING",
    "CULTURES",
    "EXTRA_LANGUAGES",
    "INITIATIVE_TITLE_PATTERNS",
    "NEIGHBOURHOODS",
    "ORG_NAME_PATTERNS",
    "PARTNER_ROLE_TITLES",
    "PARTNERS_PHRASES",
    "PURPOSES",
    "SECTOR_CATEGORIES",
    "SECTOR_JOB_TITLES",
    "THEMES",
    "TIE_NOTES",
    "AFFILIATION_TITLES",
    "AREAS",
    "BRANCHES",
]

# (term, category, description). Terms are unique; categories group them for roles.
CAPABILITIES: tuple[tuple[str, str, str], ...] = (
    ("Facilitation", "Facilitation", "Designing and running group processes"),
    ("Online facilitation", "Facilitation", "Running engaging sessions on video platforms"),
    ("Large-group methods", "Facilitation", "Open Space, World Café and similar formats"),
    ("Graphic facilitation", "Facilitation", "Making conversations visible in live drawings"),
    ("Appreciative Inquiry", "Facilitation", "Strength-based inquiry and change processes"),
    ("Conflict mediation", "Facilitation", "Helping parties in conflict reach agreement"),
    ("ICF ACC coaching", "Coaching", "Coaching credentialed by ICF at Associate level"),
    ("ICF PCC coaching", "Coaching", "Coaching credentialed by ICF at Professional level"),
    ("ICF MCC coaching", "Coaching", "Coaching credentialed by ICF at Master level"),
    ("EMCC accredited coaching", "Coaching", "Coaching accredited by the EMCC"),
    ("Team coaching", "Coaching", "Coaching whole teams towards shared goals"),
    ("Executive coaching", "Coaching", "One-to-one coaching for senior leaders"),
    ("Career coaching", "Coaching", "Guiding people through career transitions"),
    ("Mentoring", "Coaching", "Long-term developmental relationships"),
    ("Learning design", "Learning", "Designing learning journeys and programmes"),
    ("Instructional design", "Learning", "Structuring content and activities for learning"),
    ("E-learning development", "Learning", "Building self-paced digital courses"),
    ("Curriculum development", "Learning", "Writing curricula for schools and training"),
    ("Training delivery", "Learning", "Delivering workshops and courses"),
    ("Leadership development", "Learning", "Programmes that grow leaders"),
    ("Assessment design", "Learning", "Designing fair tests of learning"),
    ("Qualitative research", "Research", "Interviews, focus groups and thematic analysis"),
    ("Survey design", "Research", "Questionnaires, sampling and fieldwork"),
    ("UX research", "Research", "Understanding users of products and services"),
    ("Participatory action research", "Research", "Research done with, not on, communities"),
    ("Ethnography", "Research", "Long-form observation of everyday life"),
    ("Literature review", "Research", "Systematic reviews of evidence"),
    ("Policy analysis", "Policy", "Analysing options and impacts of public policy"),
    ("Advocacy", "Policy", "Campaigning for policy change"),
    ("Public affairs", "Policy", "Working with legislators and officials"),
    ("Regulatory analysis", "Policy", "Reading and shaping regulation"),
    ("Community organising", "Community", "Building people power around shared issues"),
    ("Stakeholder engagement", "Community", "Bringing the right people into decisions"),
    ("Volunteer management", "Community", "Recruiting, supporting and keeping volunteers"),
    ("Participatory budgeting", "Community", "Letting residents decide how money is spent"),
    ("Youth work", "Community", "Supporting young people's development"),
    ("Data analysis", "Data", "Cleaning, analysing and interpreting data"),
    ("Data visualisation", "Data", "Charts and dashboards people understand"),
    ("Statistics", "Data", "Statistical modelling and inference"),
    ("GIS mapping", "Data", "Spatial data and maps"),
    ("Machine learning", "Data", "Predictive models from data"),
    ("Monitoring and evaluation", "Evaluation", "Tracking progress and judging results"),
    ("Developmental evaluation", "Evaluation", "Evaluation for innovation in complexity"),
    ("Theory of change", "Evaluation", "Mapping how activities lead to outcomes"),
    ("Impact measurement", "Evaluation", "Measuring social and environmental impact"),
    ("Social return on investment", "Evaluation", "Valuing social outcomes in money terms"),
    ("Financial modelling", "Finance", "Models of costs, revenue and risk"),
    ("Budgeting", "Finance", "Planning and controlling budgets"),
    ("Grant management", "Finance", "Administering grants and reporting to funders"),
    ("Social finance", "Finance", "Impact investment and blended finance"),
    ("Fundraising", "Fundraising", "Raising money from many sources"),
    ("Grant writing", "Fundraising", "Writing winning funding applications"),
    ("Grant making", "Fundraising", "Designing and running funding programmes"),
    ("Donor relations", "Fundraising", "Building lasting relationships with donors"),
    ("Crowdfunding", "Fundraising", "Raising money from the public online"),
    ("Communications", "Communications", "Planning and delivering communications"),
    ("Storytelling", "Communications", "Telling stories that move people"),
    ("Copywriting", "Communications", "Clear, persuasive writing"),
    ("Social media", "Communications", "Running social media channels"),
    ("Media relations", "Communications", "Working with journalists"),
    ("Video production", "Communications", "Filming and editing short videos"),
    ("Systems thinking", "Systems", "Seeing the whole system and its feedback loops"),
    ("Systems mapping", "Systems", "Drawing actors, flows and leverage points"),
    ("Scenario planning", "Systems", "Exploring plausible futures"),
    ("Strategy", "Systems", "Setting direction and priorities"),
    ("Service design", "Design", "Designing services end to end"),
    ("Co-design", "Design", "Designing with the people affected"),
    ("Graphic design", "Design", "Visual design for print and screen"),
    ("UX design", "Design", "Designing usable digital products"),
    ("Project management", "Project management", "Planning and delivering projects"),
    ("Agile delivery", "Project management", "Iterative delivery with short cycles"),
    ("PRINCE2 project management", "Project management", "Certified PRINCE2 practice"),
    ("Programme management", "Project management", "Running portfolios of projects"),
    ("Partnership brokering", "Project management", "Setting up and tending partnerships"),
    ("Translation", "Languages", "Written translation between languages"),
    ("Interpretation", "Languages", "Spoken interpretation, consecutive or simultaneous"),
    ("Plain-language editing", "Languages", "Rewriting text so anyone can read it"),
    ("Web development", "Technology", "Building websites and web applications"),
    ("Digital skills training", "Technology", "Teaching everyday digital skills"),
    ("Data protection", "Technology", "GDPR and data protection practice"),
    ("Public health programme design", "Health", "Designing prevention programmes"),
    ("Mental health first aid", "Health", "Certified mental health first aid"),
    ("Epidemiology", "Health", "Studying patterns of health and disease"),
    ("Climate risk assessment", "Sustainability", "Assessing exposure to climate hazards"),
    ("Circular economy design", "Sustainability", "Designing out waste"),
    ("Sustainability reporting", "Sustainability", "Reporting on environmental performance"),
    ("Governance", "Governance", "Boards, accountability and decision rights"),
    ("Safeguarding", "Governance", "Protecting people from harm in programmes"),
    ("Cooperative development", "Governance", "Starting and supporting co-operatives"),
)

# Levels implied by a credential: the credential itself is the evidence of the level.
CREDENTIAL_LEVELS: dict[str, tuple[int, ...]] = {
    "ICF ACC coaching": (3,),
    "ICF PCC coaching": (4,),
    "ICF MCC coaching": (5,),
    "EMCC accredited coaching": (3, 4, 5),
    "PRINCE2 project management": (3, 4),
    "Mental health first aid": (2, 3),
}

# How often each category is a practitioner's main line of work.
CATEGORY_WEIGHTS: dict[str, float] = {
    "Facilitation": 10,
    "Coaching": 9,
    "Learning": 9,
    "Research": 7,
    "Policy": 5,
    "Community": 7,
    "Data": 6,
    "Evaluation": 6,
    "Finance": 3,
    "Fundraising": 4,
    "Communications": 7,
    "Systems": 4,
    "Design": 5,
    "Project management": 7,
    "Languages": 3,
    "Technology": 4,
    "Health": 3,
    "Sustainability": 3,
    "Governance": 2,
}

# Skills many practitioners add to their specialism.
CROSS_CUTTING: tuple[str, ...] = (
    "Facilitation",
    "Project management",
    "Stakeholder engagement",
    "Systems thinking",
    "Storytelling",
    "Training delivery",
    "Mentoring",
    "Data analysis",
)

# What a practitioner calls themself, by main category.
CATEGORY_NOUNS: dict[str, str] = {
    "Facilitation": "Facilitator",
    "Coaching": "Coach",
    "Learning": "Learning designer",
    "Research": "Researcher",
    "Policy": "Policy analyst",
    "Community": "Community organiser",
    "Data": "Data analyst",
    "Evaluation": "Evaluator",
    "Finance": "Finance specialist",
    "Fundraising": "Fundraiser",
    "Communications": "Communications specialist",
    "Systems": "Systems practitioner",
    "Design": "Service designer",
    "Project management": "Project manager",
    "Languages": "Translator",
    "Technology": "Technologist",
    "Health": "Public health practitioner",
    "Sustainability": "Sustainability adviser",
    "Governance": "Governance adviser",
}

CATEGORY_ROLE_TITLES: dict[str, tuple[str, ...]] = {
    "Facilitation": ("Lead facilitator", "Workshop facilitator", "Process designer"),
    "Coaching": ("Coach", "Team coach", "Leadership coach"),
    "Learning": ("Learning designer", "Trainer", "Curriculum lead"),
    "Research": ("Researcher", "Research lead", "Field researcher"),
    "Policy": ("Policy analyst", "Advocacy lead"),
    "Community": ("Community organiser", "Engagement lead", "Outreach coordinator"),
    "Data": ("Data analyst", "Data visualisation specialist"),
    "Evaluation": ("Evaluator", "MEL lead"),
    "Finance": ("Finance lead", "Budget manager"),
    "Fundraising": ("Fundraiser", "Grant writer"),
    "Communications": ("Communications lead", "Storyteller", "Content producer"),
    "Systems": ("Systems lead", "Strategy lead"),
    "Design": ("Service designer", "Co-design lead"),
    "Project management": ("Project manager", "Programme coordinator"),
    "Languages": ("Translator", "Interpreter"),
    "Technology": ("Digital lead", "Web developer"),
    "Health": ("Public health adviser", "Wellbeing lead"),
    "Sustainability": ("Sustainability adviser", "Climate lead"),
    "Governance": ("Governance adviser", "Safeguarding lead"),
}

# Titles of coalition roles that organisations fill.
PARTNER_ROLE_TITLES: dict[str, str] = {
    "Community": "Delivery partner",
    "Research": "Research partner",
    "Policy": "Policy partner",
    "Learning": "Learning partner",
    "Fundraising": "Funding partner",
    "Finance": "Funding partner",
    "Health": "Health partner",
    "Communications": "Communications partner",
    "Evaluation": "Evaluation partner",
    "Data": "Data partner",
    "Technology": "Technology partner",
    "Governance": "Host partner",
    "Facilitation": "Convening partner",
}

# Capability categories an organisation of each sector offers.
SECTOR_CATEGORIES: dict[str, tuple[str, ...]] = {
    "business": ("Data", "Design", "Project management", "Technology", "Communications", "Finance"),
    "government": ("Policy", "Governance", "Project management", "Data", "Community"),
    "civil_society": ("Community", "Fundraising", "Communications", "Policy", "Evaluation"),
    "education": ("Learning", "Research", "Evaluation", "Data"),
    "health": ("Health", "Research", "Community", "Evaluation"),
    "funder": ("Fundraising", "Finance", "Evaluation", "Systems"),
    "community": ("Community", "Communications", "Facilitation", "Languages"),
    "independent": ("Facilitation", "Coaching", "Learning", "Design"),
}

# (tag, title words, what working on it means). Tags are the purpose vocabulary.
PURPOSES: tuple[tuple[str, str, str], ...] = (
    ("youth employment", "Youth Employment", "open pathways into decent work for young people"),
    ("future of work", "Future of Work", "prepare workers for jobs that are changing fast"),
    ("social enterprise", "Social Enterprise", "grow businesses that trade for social good"),
    ("migrant workers' rights", "Migrant Workers", "protect the rights of migrant workers"),
    ("adult literacy", "Adult Literacy", "help adults read, write and count with confidence"),
    ("financial inclusion", "Financial Inclusion", "bring fair financial services to everyone"),
    ("climate adaptation", "Climate Adaptation", "help places adapt to heat, floods and drought"),
    ("clean energy", "Clean Energy", "speed up the shift to clean, affordable energy"),
    ("circular economy", "Circular Economy", "design waste out of local economies"),
    ("biodiversity", "Biodiversity", "protect and restore local ecosystems"),
    ("ocean conservation", "Ocean Conservation", "protect coasts and marine life"),
    ("water and sanitation", "Water and Sanitation", "secure safe water and sanitation for all"),
    ("public health", "Public Health", "improve health through prevention"),
    ("mental health", "Mental Health", "make mental health support easy to reach"),
    ("ageing well", "Ageing Well", "help older people live well and stay connected"),
    ("disability inclusion", "Disability Inclusion", "remove the barriers disabled people face"),
    ("sport for development", "Sport for Development", "use sport to build skills and community"),
    ("food security", "Food Security", "make healthy food reliably available to every household"),
    ("gender equity", "Gender Equity", "close gender gaps in pay, leadership and safety"),
    ("racial justice", "Racial Justice", "tackle racial inequity in institutions"),
    ("refugee integration", "Refugee Integration", "help refugees settle, work and belong"),
    ("indigenous rights", "Indigenous Rights", "support indigenous self-determination"),
    ("digital inclusion", "Digital Inclusion", "give everyone the skills and access to be online"),
    ("early childhood education", "Early Years", "give every child a strong start in learning"),
    ("affordable housing", "Affordable Housing", "increase the supply of decent, affordable homes"),
    ("urban mobility", "Urban Mobility", "make getting around cities safe, clean and cheap"),
    ("rural development", "Rural Development", "strengthen rural livelihoods and services"),
    ("arts and culture", "Arts and Culture", "widen access to arts and culture"),
    ("civic participation", "Civic Participation", "bring more people into local decisions"),
    ("open government", "Open Government", "make public institutions open and accountable"),
    ("peacebuilding", "Peacebuilding", "prevent conflict and rebuild trust between groups"),
    ("anti-corruption", "Anti-Corruption", "expose and prevent corruption"),
)

# Causes that tend to travel together: a community of practice forms around one theme.
THEMES: dict[str, tuple[str, ...]] = {
    "work": (
        "youth employment",
        "future of work",
        "social enterprise",
        "migrant workers' rights",
        "adult literacy",
        "financial inclusion",
    ),
    "climate": (
        "climate adaptation",
        "clean energy",
        "circular economy",
        "biodiversity",
        "ocean conservation",
        "water and sanitation",
    ),
    "health": (
        "public health",
        "mental health",
        "ageing well",
        "disability inclusion",
        "sport for development",
        "food security",
    ),
    "inclusion": (
        "gender equity",
        "racial justice",
        "refugee integration",
        "indigenous rights",
        "digital inclusion",
        "early childhood education",
    ),
    "place": ("affordable housing", "urban mobility", "rural development", "arts and culture"),
    "democracy": ("civic participation", "open government", "peacebuilding", "anti-corruption"),
}


# Halves of invented compound names: "North" + "wind" -> "Northwind".
# fmt: off
COMPOUND_HEADS: tuple[str, ...] = (
    "North", "West", "Bright", "Blue", "Green", "Open", "True", "Clear", "Silver", "Red",
    "High", "Deep", "Far", "Wide", "Common", "Golden", "Still", "Stone", "Sun", "Long",
    "South", "East", "Amber", "Cedar", "Willow", "Iron", "Swift", "Fair", "Kind", "Wild",
    "Bold", "Round",
)
COMPOUND_TAILS: tuple[str, ...] = (
    "wind", "field", "bridge", "river", "light", "harbour", "path", "oak", "leaf", "water",
    "spring", "gate", "ridge", "well", "haven", "thread", "root", "ford", "stone", "brook",
    "wood", "hill", "star", "moor", "bay", "vale", "grove", "mill",
)

# Public services named after what they look after: "Lyon Department for Housing".
AREAS: tuple[str, ...] = (
    "Skills", "Housing", "Youth", "Climate", "Culture", "Transport", "Employment",
    "Digital Services", "Social Care", "Environment", "Economic Development", "Education",
    "Communities", "Water", "Public Health",
)

# Last resort for a name already taken in a very large network: a branch of it.
BRANCHES: tuple[str, ...] = (
    "North", "South", "East", "West", "Central", "Riverside", "Old Town", "Harbourside",
    "Uptown", "Lakeside",
)
# fmt: on

# (pattern, what the organisation is) per sector. Placeholders: {city} {country} {place}
# (a neighbourhood or the city) {compound} {surname} {surname2} {theme} {area}.
ORG_NAME_PATTERNS: dict[str, tuple[tuple[str, str], ...]] = {
    "business": (
        ("{compound} Learning Co-op", "worker-owned learning co-operative"),
        ("{compound} Consulting", "consultancy"),
        ("{compound} Analytics", "data and analytics company"),
        ("{surname} & {surname2} Associates", "consulting partnership"),
        ("{city} Impact Partners", "social impact consultancy"),
        ("{compound} Design Studio", "service design studio"),
        ("{compound} Social Ventures", "social enterprise"),
        ("{compound} Partners", "consultancy"),
        ("{surname} {compound} Advisory", "advisory firm"),
    ),
    "government": (
        ("City of {city} Skills Office", "municipal skills office"),
        ("{city} City Council", "local authority"),
        ("{city} Municipal Innovation Unit", "public innovation unit"),
        ("{city} Department for Communities", "local government department"),
        ("National Employment Agency of {country}", "national public agency"),
        ("{city} Metropolitan Planning Office", "metropolitan planning body"),
        ("{city} Department for {area}", "local government department"),
        ("City of {city} {area} Office", "municipal office"),
        ("Ministry of {area}, {country}", "national ministry"),
        ("{place} District Council", "district council"),
    ),
    "civil_society": (
        ("{place} Youth Trust", "youth charity"),
        ("{theme} Action {country}", "national NGO"),
        ("{city} Refugee Council", "refugee support charity"),
        ("{place} Rights Network", "rights organisation"),
        ("{theme} Alliance of {city}", "civil-society alliance"),
        ("{city} Civic Lab", "civic non-profit"),
        ("Friends of {place}", "community charity"),
        ("{place} {area} Forum", "civil-society forum"),
        ("{compound} Foundation for {theme}", "operating foundation"),
    ),
    "education": (
        ("University of {city}", "university"),
        ("{city} Community College", "community college"),
        ("{city} Institute of Technology", "technical institute"),
        ("{surname} School of Public Policy", "graduate school"),
        ("{city} Open Learning Centre", "adult learning centre"),
        ("{compound} Academy", "independent academy"),
        ("{city} College of {area}", "college"),
        ("{compound} School", "independent school"),
    ),
    "health": (
        ("{city} General Hospital", "public hospital"),
        ("{place} Community Health Centre", "community health centre"),
        ("National Public Health Institute of {country}", "public health institute"),
        ("{city} Mental Health Partnership", "mental health partnership"),
        ("{compound} Health Co-operative", "health co-operative"),
        ("{place} Community Clinic", "community clinic"),
        ("{place} Health and Wellbeing Hub", "health and wellbeing hub"),
        ("{compound} Medical Centre", "medical centre"),
    ),
    "funder": (
        ("{surname} Family Foundation", "family foundation"),
        ("{city} Community Foundation", "community foundation"),
        ("{compound} Fund", "grant-making fund"),
        ("{theme} Futures Fund", "thematic fund"),
        ("Development Trust of {country}", "development funder"),
        ("{surname} Trust", "charitable trust"),
        ("{compound} Foundation", "foundation"),
    ),
    "community": (
        ("{place} Youth Trust", "youth group"),
        ("{place} Residents Association", "residents' association"),
        ("{place} Women's Circle", "women's group"),
        ("{place} Makers Collective", "makers' collective"),
        ("{place} Food Co-operative", "food co-operative"),
        ("{place} Mutual Aid Network", "mutual aid group"),
        ("{place} Tenants Union", "tenants' union"),
        ("{place} Neighbourhood Forum", "neighbourhood forum"),
        ("{place} Community Garden", "community garden"),
        ("{compound} Community Hub", "community hub"),
    ),
    "independent": (
        ("{compound} Collective", "collective of independent practitioners"),
        ("{surname} & Partners", "practice of independent consultants"),
        ("{compound} Practitioners Guild", "practitioners' guild"),
        ("{compound} Studio", "independent studio"),
        ("The {compound} Circle", "network of independents"),
    ),
}

# Job titles for people employed in each sector (their first affiliation).
SECTOR_JOB_TITLES: dict[str, tuple[str, ...]] = {
    "business": ("Consultant", "Head of impact", "Product manager", "Partner"),
    "government": ("Policy officer", "Programme manager", "Head of skills", "Analyst"),
    "civil_society": ("Programme officer", "Campaigns lead", "Director", "Project coordinator"),
    "education": ("Lecturer", "Researcher", "Head of learning", "Professor"),
    "health": ("Public health specialist", "Nurse lead", "Health promotion officer"),
    "funder": ("Programme officer", "Grants manager", "Head of learning"),
    "community": ("Coordinator", "Organiser", "Chair"),
    "independent": ("Founder", "Partner", "Co-founder"),
}

AFFILIATION_TITLES: tuple[str, ...] = (
    "Associate",
    "Fellow",
    "Adviser",
    "Board member",
    "Member",
    "Trainer",
    "Volunteer",
    "Associate consultant",
    "Trustee",
    "Member",
)

PARTNERS_PHRASES: tuple[str, ...] = (
    "local councils",
    "community groups",
    "foundations",
    "universities",
    "health services",
    "social enterprises",
    "NGOs",
    "public agencies",
    "schools",
    "co-operatives",
)

# Title patterns for initiatives: {title} is the purpose, {city} a place, {year} a year.
INITIATIVE_TITLE_PATTERNS: dict[str, tuple[str, ...]] = {
    "project": (
        "{title} Pathways {city}",
        "{title} Lab {city}",
        "{title} Learning Journey {year}",
        "{title} Action Research, {city}",
        "{city} {title} Sprint",
        "{title} Toolkit {year}",
        "{title} Fellowship {city}",
    ),
    "coalition": (
        "{city} {title} Coalition",
        "{title} Partnership {city}",
        "{title} Compact {year}",
        "{city} Alliance for {title}",
        "{title} Roundtable {city}",
    ),
}

TIE_NOTES: dict[str, tuple[str, ...]] = {
    "collaborated": (
        "Co-delivered a workshop series",
        "Worked together on a bid",
        "Joint research project",
        "Co-facilitated a community assembly",
        "",
    ),
    "referred": (
        "Referred a client",
        "Recommended for a coaching engagement",
        "Passed on a tender",
    ),
    "shared_knowledge": (
        "Shared a toolkit",
        "Peer-learning call",
        "Exchanged evaluation frameworks",
    ),
    "partnered": (
        "Memorandum of understanding",
        "Joint programme delivery",
        "Data-sharing agreement",
    ),
    "funded": ("Core grant", "Project grant", "Seed funding", "Capacity-building grant"),
    "member_of": ("Member",),
    "mentored": ("Six-month mentoring", "Coaching supervision", "Informal mentoring"),
    "influenced": ("Adopted their framework", "Cited their report", "Inspired a new programme"),
}
