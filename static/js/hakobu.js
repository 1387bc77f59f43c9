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

// No inline script or style anywhere (Content-Security-Policy): the behaviours pages used to
// carry in <script> blocks and style="" attributes live here, keyed by ids and data attributes.

// A button or link with data-confirm asks first (a form's submit button, a link).
document.addEventListener("click", (e) => {
  const target = e.target.closest("[data-confirm]");
  if (target && !window.confirm(target.dataset.confirm)) {
    e.preventDefault();
    e.stopImmediatePropagation();
  }
}, true);

// Progress bars: the width follows the bar's aria-valuenow (also in blocks htmx swaps in).
(function () {
  const size = (root) => {
    root.querySelectorAll(".progress[aria-valuenow] > .progress-bar").forEach((bar) => {
      bar.style.width = `${Number(bar.parentElement.getAttribute("aria-valuenow")) || 0}%`;
    });
  };
  size(document);
  if (window.htmx) htmx.onLoad(size);
})();

// Delivery-note form: "Add line" clones the formset's hidden empty form and bumps the total.
(function () {
  const root = document.getElementById("lines-formset");
  const button = document.getElementById("add-line");
  if (!root || !button) return;
  const total = root.querySelector('input[name$="-TOTAL_FORMS"]');
  const template = root.querySelector("tr.empty-form");
  button.addEventListener("click", () => {
    const row = template.cloneNode(true);
    row.classList.remove("d-none", "empty-form");
    row.innerHTML = row.innerHTML.replaceAll("__prefix__", total.value);
    template.parentNode.appendChild(row);
    total.value = Number(total.value) + 1;
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
