// Modals: htmx loads a form into #modal-content; the server answers "HX-Trigger: closeModal" when done.
(function () {
  const modalEl = document.getElementById("modal");
  if (!modalEl || !window.bootstrap) return;
  const modal = bootstrap.Modal.getOrCreateInstance(modalEl);
  document.body.addEventListener("htmx:afterSwap", (e) => {
    if (e.detail.target.id === "modal-content") modal.show();
  });
  document.body.addEventListener("closeModal", () => modal.hide());
  modalEl.addEventListener("hidden.bs.modal", () => {
    document.getElementById("modal-content").innerHTML = "";
  });
})();
