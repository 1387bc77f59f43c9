// Modals: htmx loads a form into #modal-content; the server answers "HX-Trigger: closeModal" when done.
(function () {
  const modalEl = document.getElementById("modal");
  if (!modalEl || !window.bootstrap) return;
  const modal = bootstrap.Modal.getOrCreateInstance(modalEl);
  document.body.addEventListener("htmx:afterSwap", (e) => {
    if (e.detail.target.id === "modal-content") modal.show();
  });
  // A form re-rendered with errors replaced the focused button: keep the keyboard in the modal
  // (after settling: htmx applies the new classes, such as is-invalid, only then).
  document.body.addEventListener("htmx:afterSettle", (e) => {
    if (e.detail.target.id !== "modal-content" || !modalEl.classList.contains("show")) return;
    if (modalEl.contains(document.activeElement)) return;
    (modalEl.querySelector("input.is-invalid, select.is-invalid, textarea.is-invalid") || modalEl).focus();
  });
  document.body.addEventListener("closeModal", () => modal.hide());
  modalEl.addEventListener("hidden.bs.modal", () => {
    document.getElementById("modal-content").innerHTML = "";
  });
})();

// A switch with data-label-on / data-label-off names the state it is in (Active / Inactive).
(function () {
  const selector = "input[data-label-on]";
  const relabel = (input) => {
    const label = document.querySelector(`label[for="${input.id}"]`);
    if (label) label.textContent = input.checked ? input.dataset.labelOn : input.dataset.labelOff;
  };
  document.querySelectorAll(selector).forEach(relabel);
  document.body.addEventListener("change", (e) => {
    if (e.target.matches(selector)) relabel(e.target);
  });
  document.body.addEventListener("htmx:afterSwap", (e) => {
    e.detail.target.querySelectorAll(selector).forEach(relabel);
  });
})();

// A carrier input with data-service-input="<id>" makes that service input suggest the carrier's
// services (templates/delivery_notes/_carrier_services.html: one datalist per carrier code).
(function () {
  const selector = "[data-service-input]";
  const follow = (carrier) => {
    const service = document.getElementById(carrier.dataset.serviceInput);
    if (!service) return;
    const list = document.getElementById("services-" + (carrier.value || "").trim().toLowerCase());
    service.setAttribute("list", list ? list.id : "services-none");
  };
  document.querySelectorAll(selector).forEach(follow);
  ["change", "input"].forEach((type) => document.body.addEventListener(type, (e) => {
    if (e.target.matches && e.target.matches(selector)) follow(e.target);
  }));
  document.body.addEventListener("htmx:afterSwap", (e) => {
    e.detail.target.querySelectorAll(selector).forEach(follow);
  });
})();
