// Mofan: small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // A long organisation list is fetched after the page is shown, keeping the chosen value.
  function loadOptions(select) {
    var url = select.dataset.optionsUrl;
    if (!url || select.dataset.optionsLoaded) { return Promise.resolve(); }
    select.dataset.optionsLoaded = "1";
    var chosen = select.value;
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(); })
      .then(function (html) {
        select.innerHTML = html;
        select.value = chosen;
      })
      .catch(function () { delete select.dataset.optionsLoaded; });
  }

  // Type to narrow the options of a tree picker.
  function makeFilterable(select) {
    if (select.dataset.filterReady || select.disabled) { return; }
    select.dataset.filterReady = "1";
    var input = document.createElement("input");
    input.type = "search";
    input.className = "form-control form-control-sm mb-1";
    input.placeholder = select.dataset.filterPlaceholder || "";
    input.setAttribute("aria-label", input.placeholder);
    select.parentNode.insertBefore(input, select);
    input.addEventListener("input", function () {
      var needle = input.value.trim();
      var firstShown = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var show = !needle || option.text.indexOf(needle) !== -1 || option.value === "";
        option.hidden = !show;
        option.disabled = !show && option.value !== select.value;
        if (show && option.value !== "" && firstShown === null) { firstShown = option; }
      });
      var current = select.options[select.selectedIndex];
      if (firstShown && (!current || current.hidden)) { select.value = firstShown.value; }
    });
  }

  function enhance(root) {
    root.querySelectorAll("select[data-filterable]").forEach(makeFilterable);
    root.querySelectorAll("select[data-options-url]").forEach(loadOptions);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
})();
