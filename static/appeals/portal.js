// 网上诉求平台: fill the hidden lng/lat from the phone's location when the citizen asks for it.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("tz-locate");
  if (!button || !navigator.geolocation) { if (button) { button.hidden = true; } return; }
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (pos) {
      var lng = document.querySelector("input[name=lng]");
      var lat = document.querySelector("input[name=lat]");
      if (lng && lat) {
        lng.value = pos.coords.longitude.toFixed(6);
        lat.value = pos.coords.latitude.toFixed(6);
        button.textContent = button.textContent + " ✓";
      }
    });
  });
});
