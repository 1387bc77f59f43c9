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

  function show(input, html) {
    close();
    const holder = input.parentElement;
    holder.classList.add("catalogue-picker");
    box = document.createElement("div");
    box.className = "catalogue-suggestions list-group shadow";
    box.setAttribute("role", "listbox");
    box.innerHTML = html;
    holder.appendChild(box);
    owner = input;
    input.setAttribute("aria-expanded", "true");
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

  form.addEventListener("click", (e) => {
    const item = e.target.closest("[data-fill]");
    if (item && owner) {
      e.preventDefault();
      pick(item);
    }
  });

  form.addEventListener("keydown", (e) => {
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

  document.addEventListener("click", (e) => {
    if (box && !box.contains(e.target) && e.target !== owner) close();
  });
})();
