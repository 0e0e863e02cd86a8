// Mofan: small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // A tree picker with thousands of organisations: type to narrow the options.
  function makeFilterable(select) {
    if (select.dataset.filterReady || select.disabled) { return; }
    select.dataset.filterReady = "1";
    var input = document.createElement("input");
    input.type = "search";
    input.className = "form-control form-control-sm mb-1";
    input.placeholder = select.dataset.filterPlaceholder || "";
    input.setAttribute("aria-label", input.placeholder);
    select.parentNode.insertBefore(input, select);
    var options = Array.prototype.slice.call(select.options);
    input.addEventListener("input", function () {
      var needle = input.value.trim();
      var firstShown = null;
      options.forEach(function (option) {
        var show = !needle || option.text.indexOf(needle) !== -1 || option.value === "";
        option.hidden = !show;
        option.disabled = !show && option.value !== select.value;
        if (show && option.value !== "" && firstShown === null) { firstShown = option; }
      });
      if (firstShown && select.selectedOptions.length && select.selectedOptions[0].hidden) {
        select.value = firstShown.value;
      }
    });
  }

  function enhance(root) {
    root.querySelectorAll("select[data-filterable]").forEach(makeFilterable);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
})();
