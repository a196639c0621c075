/* Pickers (templates/_picker.html): choosing a result puts its id in the form's id field
 * instead of following the result's link, which is what happens without script. The arrow
 * keys move from the search box through the results and back; Escape returns to the box.
 * Submitting a picker's search form searches in place (htmx) rather than leaving the page. */
(function () {
  "use strict";
  function pickerOf(el) { return el && el.closest ? el.closest("[data-picker]") : null; }
  function searchOf(box) { return box.querySelector("[data-picker-search]"); }
  function results(box) { return Array.prototype.slice.call(box.querySelectorAll("[data-pick-id]")); }
  function ids(text) {
    return text.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
  }
  function show(box, names) {
    var chosen = box.querySelector("[data-picker-chosen]");
    chosen.textContent = "";
    if (!names.length) return;
    chosen.appendChild(document.createTextNode(chosen.getAttribute("data-chosen-text") + " "));
    names.forEach(function (name, i) {
      if (i) chosen.appendChild(document.createTextNode(", "));
      var strong = document.createElement("strong");
      strong.setAttribute("data-picker-name", "");
      strong.textContent = name;
      chosen.appendChild(strong);
    });
  }
  function named(box) {
    return Array.prototype.map.call(box.querySelectorAll("[data-picker-name]"), function (e) {
      return e.textContent;
    });
  }
  function choose(link) {
    var box = pickerOf(link);
    var field = document.getElementById(box.getAttribute("data-input"));
    var id = link.getAttribute("data-pick-id");
    var label = link.getAttribute("data-pick-label");
    if (box.getAttribute("data-multiple") === "true") {
      var have = ids(field.value);
      var names = field.value.trim() ? named(box) : [];
      if (have.indexOf(id) < 0) { have.push(id); names.push(label); }
      field.value = have.join(", ");
      show(box, names);
    } else {
      field.value = id;
      show(box, [label]);
    }
    var search = searchOf(box);
    box.querySelector(".picker-results").textContent = "";
    search.value = "";
    search.focus();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-pick-id]") : null;
    if (!link || !pickerOf(link)) return;
    event.preventDefault();
    choose(link);
  });
  document.addEventListener("keydown", function (event) {
    var box = pickerOf(event.target);
    if (!box) return;
    var items = results(box);
    var search = searchOf(box);
    var at = items.indexOf(event.target);
    if (event.target === search && event.key === "ArrowDown" && items.length) {
      event.preventDefault();
      items[0].focus();
    } else if (at >= 0 && event.key === "ArrowDown") {
      event.preventDefault();
      (items[at + 1] || items[at]).focus();
    } else if (at >= 0 && event.key === "ArrowUp") {
      event.preventDefault();
      (at === 0 ? search : items[at - 1]).focus();
    } else if (at >= 0 && event.key === "Escape") {
      event.preventDefault();
      search.focus();
    } else if (at >= 0 && event.key === " ") {
      event.preventDefault();
      choose(event.target);
    }
  });
  /* A name typed in the id field by hand is no longer the one shown as chosen. */
  document.addEventListener("input", function (event) {
    var box = pickerOf(event.target);
    if (box && event.target.id === box.getAttribute("data-input")) show(box, []);
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-picker-form]") || !window.htmx) return;
    var search = document.querySelector('[data-picker-search][form="' + form.id + '"]');
    if (!search) return;
    event.preventDefault();
    window.htmx.trigger(search, "search");
  }, true);
})();
