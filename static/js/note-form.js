// The note form: the requested service suggests the chosen carrier's services
// (templates/delivery_notes/_carrier_services.html holds one datalist per carrier).
(function () {
  "use strict";
  document.querySelectorAll("select[data-service-input]").forEach((select) => {
    const service = document.getElementById(select.dataset.serviceInput);
    if (!service) return;
    const follow = () => {
      const list = document.getElementById("services-" + (select.value || "").toLowerCase());
      service.setAttribute("list", list ? list.id : "services-none");
    };
    select.addEventListener("change", follow);
    follow();
  });
})();
