// The note list's bulk actions (templates/delivery_notes/_bulk_actions.html).
// - Buttons with data-bulk-action stay disabled until a note is selected; with
//   data-confirm-one / -many / -all they ask first, naming how many notes ({count}).
// - The export button names what it exports: the selection, or the whole filtered list.
// - A button with data-download sends a token; the server answers the file with a cookie
//   holding it, so the page knows the download happened and reloads the list (notesChanged).
// Handlers are delegated to the document: htmx replaces #note-results after a change.
(function () {
  "use strict";

  const form = () => document.getElementById("bulk-form");
  const rows = () => Array.from(document.querySelectorAll("#bulk-form .note-select"));

  function selection() {
    const f = form();
    if (!f) return { count: 0, all: false };
    const allBox = document.getElementById("all-matching");
    if (allBox && allBox.checked) return { count: Number(f.dataset.total || 0), all: true };
    return { count: rows().filter((box) => box.checked).length, all: false };
  }

  const fill = (template, count) => (template || "").replace("{count}", String(count));

  function refresh() {
    const f = form();
    if (!f) return;
    const { count, all } = selection();
    f.querySelectorAll("[data-bulk-action]").forEach((button) => {
      button.disabled = count === 0;
    });
    const exportButton = f.querySelector("[data-bulk-export]");
    if (exportButton) {
      exportButton.textContent = count
        ? fill(exportButton.dataset.labelSome, count)
        : fill(exportButton.dataset.labelNone, f.dataset.total || 0);
    }
    const label = document.getElementById("bulk-count");
    if (label) {
      const key = all ? "all" : count === 0 ? "none" : count === 1 ? "one" : "many";
      label.textContent = fill(label.dataset[key], count);
    }
    const pageBox = document.getElementById("select-page");
    if (pageBox) {
      const boxes = rows();
      const ticked = boxes.filter((box) => box.checked).length;
      pageBox.checked = boxes.length > 0 && ticked === boxes.length;
      pageBox.indeterminate = ticked > 0 && ticked < boxes.length;
    }
  }

  document.addEventListener("change", (e) => {
    const target = e.target;
    if (!(target instanceof HTMLInputElement) || !target.closest("#bulk-form")) return;
    if (target.id === "select-page") {
      rows().forEach((box) => { box.checked = target.checked; });
      const allBox = document.getElementById("all-matching");
      if (allBox && !target.checked) allBox.checked = false;
    } else if (target.id === "all-matching") {
      rows().forEach((box) => { box.checked = target.checked; });
    } else if (target.classList.contains("note-select") && !target.checked) {
      const allBox = document.getElementById("all-matching");
      if (allBox) allBox.checked = false; // unticking a row means "not all of them"
    }
    refresh();
  });

  document.addEventListener("click", (e) => {
    const button = e.target instanceof Element ? e.target.closest("#bulk-form [data-bulk-action]") : null;
    if (!button) return;
    const { count, all } = selection();
    if (count === 0) { e.preventDefault(); return; }
    const template = all ? button.dataset.confirmAll : count === 1 ? button.dataset.confirmOne : button.dataset.confirmMany;
    if (template && !window.confirm(fill(template, count))) e.preventDefault();
  });

  // Downloads: know when the file arrived, then show the notes' new status without a reload.
  const COOKIE = "hakobu_download";
  const readCookie = () => {
    const found = document.cookie.split("; ").find((part) => part.startsWith(COOKIE + "="));
    return found ? decodeURIComponent(found.slice(COOKIE.length + 1)) : null;
  };

  function watchDownload(token) {
    const started = Date.now();
    const timer = window.setInterval(() => {
      if (readCookie() === token) {
        document.cookie = COOKIE + "=; Max-Age=0; path=/; SameSite=Lax";
        window.clearInterval(timer);
        document.body.dispatchEvent(new CustomEvent("notesChanged", { bubbles: true }));
      } else if (Date.now() - started > 120000) {
        window.clearInterval(timer);
      }
    }, 500);
  }

  document.addEventListener("submit", (e) => {
    const f = e.target;
    if (!(f instanceof HTMLFormElement) || f.id !== "bulk-form") return;
    const submitter = e.submitter;
    let input = f.querySelector("input[name=download_token]");
    if (!submitter || !submitter.hasAttribute("data-download")) {
      if (input) input.remove();
      return;
    }
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "download_token";
      f.appendChild(input);
    }
    input.value = Math.random().toString(36).slice(2) + Date.now().toString(36);
    watchDownload(input.value);
  });

  document.addEventListener("DOMContentLoaded", refresh);
  document.body.addEventListener("htmx:afterSettle", refresh);
  refresh();
})();
