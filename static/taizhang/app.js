// Small, CSP-safe behaviour for every page (no inline scripts anywhere).
document.addEventListener("DOMContentLoaded", function () {
  // Confirm buttons: <button data-confirm="…">
  document.body.addEventListener("click", function (e) {
    var el = e.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) { e.preventDefault(); }
  });
});
