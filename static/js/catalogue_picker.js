// The delivery-note form's catalogue type-ahead: the customer field fills the recipient and the
// customer's defaults; a line's SKU or name fills the line from a product. Suggestions are HTML
// from the server (catalogue/_suggestions.html): buttons whose data-fill holds field values.
(function () {
  const form = document.getElementById("note-form");
  if (!form || !form.dataset.productSuggestUrl) return;
  const LINE_FIELD = /^(lines-\d+-)(sku|name)$/;
  let box = null;
  let owner = null;
  let timer = null;
  let asked = "";

  function close() {
    if (box) box.remove();
    if (owner) owner.setAttribute("aria-expanded", "false");
    box = null;
    owner = null;
  }

  // The box hangs from the page (fixed), not from the field: the lines table scrolls sideways
  // and would clip it. Placed with CSSOM, which the Content-Security-Policy allows.
  function place() {
    if (!box || !owner) return;
    const rect = owner.getBoundingClientRect();
    const below = window.innerHeight - rect.bottom;
    const above = rect.top;
    const upwards = below < 160 && above > below; // near the bottom: open above the field
    box.style.left = `${Math.max(0, Math.min(rect.left, window.innerWidth - 256))}px`;
    box.style.width = `${Math.min(Math.max(rect.width, 256), window.innerWidth)}px`;
    box.style.maxHeight = `${Math.min(288, (upwards ? above : below) - 8)}px`;
    box.style.top = upwards ? "" : `${rect.bottom}px`;
    box.style.bottom = upwards ? `${window.innerHeight - rect.top}px` : "";
  }

  function show(input, html) {
    close();
    box = document.createElement("div");
    box.className = "catalogue-suggestions list-group shadow";
    box.setAttribute("role", "listbox");
    box.innerHTML = html;
    document.body.appendChild(box);
    owner = input;
    input.setAttribute("aria-expanded", "true");
    place();
  }

  function suggest(input, url) {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) {
      close();
      return;
    }
    timer = setTimeout(async () => {
      asked = q;
      const response = await fetch(`${url}?q=${encodeURIComponent(q)}`, {
        headers: { "HX-Request": "true" },
        credentials: "same-origin",
      });
      if (response.ok && asked === q && input.value.trim() === q) show(input, await response.text());
    }, 200);
  }

  function setField(name, value) {
    const field = form.elements.namedItem(name);
    if (!field || field instanceof RadioNodeList) return;
    if (field.type === "checkbox") field.checked = Boolean(value);
    else field.value = value ?? "";
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function pick(item) {
    const values = JSON.parse(item.dataset.fill);
    const line = owner.name && owner.name.match(LINE_FIELD);
    const prefix = line ? line[1] : "";
    for (const [name, value] of Object.entries(values)) setField(prefix + name, value);
    if (!line) owner.value = item.dataset.label;
    const next = owner;
    close();
    next.focus();
  }

  form.addEventListener("input", (e) => {
    const target = e.target;
    if (target.id === "customer-search") {
      if (!target.value.trim()) setField("customer", "");
      suggest(target, form.dataset.customerSuggestUrl);
    } else if (target.name && LINE_FIELD.test(target.name)) {
      const [, prefix, which] = target.name.match(LINE_FIELD);
      if (which === "sku") setField(`${prefix}product`, ""); // a typed SKU is not the picked one
      suggest(target, form.dataset.productSuggestUrl);
    }
  });

  document.addEventListener("click", (e) => {
    const item = box && e.target.closest(".catalogue-suggestions [data-fill]");
    if (item && owner) {
      e.preventDefault();
      pick(item);
    } else if (box && !box.contains(e.target) && e.target !== owner) {
      close();
    }
  });
  window.addEventListener("scroll", place, true);
  window.addEventListener("resize", place);

  document.addEventListener("keydown", (e) => {
    if (!box) return;
    const items = [...box.querySelectorAll("[data-fill]")];
    const index = items.indexOf(document.activeElement);
    if (e.key === "Escape") {
      const back = owner;
      close();
      back.focus();
    } else if (e.key === "ArrowDown" && items.length) {
      e.preventDefault();
      items[Math.min(index + 1, items.length - 1)].focus();
    } else if (e.key === "ArrowUp" && items.length) {
      e.preventDefault();
      if (index <= 0) owner.focus();
      else items[index - 1].focus();
    } else if (e.key === "Enter" && index >= 0) {
      e.preventDefault();
      pick(items[index]);
    }
  });
})();
