// The portal's close/back control: back to where the reader came from on this site, or to
// the list the link names.
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-back]");
  if (!link) return;
  var ref = document.referrer;
  if (ref && ref.indexOf(location.origin + "/portal/") === 0 && history.length > 1) {
    event.preventDefault();
    history.back();
  }
});
