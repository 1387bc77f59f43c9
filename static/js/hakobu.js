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
