// Item pages: small, CSP-safe behaviour (no inline scripts anywhere).
document.addEventListener("DOMContentLoaded", function () {
  // Item list: keep the "更多" filter panel open on phones when filters beyond the search box are in use.
  var panel = document.getElementById("more-filters");
  if (panel) {
    var used = false;
    new URLSearchParams(window.location.search).forEach(function (value, key) {
      if (value && ["q", "page", "sort", "report", "period", "lead_unit"].indexOf(key) === -1) { used = true; }
    });
    if (used) { panel.classList.add("show"); }
  }

  // Forms marked data-autosubmit submit when a select changes (the board's body and 旬).
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function () { form.submit(); });
  });

  // Working-day calendar: tapping a day fills the administrator's form with it (and the opposite kind).
  var dayForm = document.querySelector("[data-testid=calendar-edit] form");
  if (dayForm) {
    document.querySelectorAll(".tz-cal td[data-date]").forEach(function (cell) {
      if (cell.classList.contains("tz-cal-pad")) { return; }
      cell.setAttribute("role", "button");
      cell.addEventListener("click", function () {
        var kind = cell.className;
        dayForm.querySelector("[name=date]").value = cell.getAttribute("data-date");
        // a working day becomes a day off and vice versa; an exception is shown as it is, to edit its name
        var workday = /tz-cal-(weekend|holiday)/.test(kind);
        if (/tz-cal-work\b/.test(kind)) { workday = true; }
        if (/tz-cal-holiday/.test(kind)) { workday = false; }
        dayForm.querySelector("[name=is_workday]").value = workday ? "1" : "0";
        dayForm.querySelector("[name=name]").value = cell.getAttribute("title") || "";
        dayForm.scrollIntoView({behavior: "smooth", block: "center"});
        dayForm.querySelector("[name=name]").focus({preventScroll: true});
      });
    });
  }
});
