// pmo's search box over the Pagefind index in the site's pagefind/ folder (partials/pmo-search.html).
// Nothing loads before the reader opens the box: then Pagefind's script and its small entry files; each search
// fetches the index chunks of its words and the fragments of the results shown. Result text reaches the page as
// text only: an excerpt keeps Pagefind's <mark> around the words found and nothing else of its markup.
(() => {
  "use strict";
  const box = document.querySelector(".pmo-search");
  if (!box) return;
  const dialog = box.querySelector("dialog");
  const input = box.querySelector(".pmo-search__input");
  const list = box.querySelector(".pmo-search__results");
  const status = box.querySelector(".pmo-search__status");
  const root = new URL(box.dataset.pmoSearchRoot, document.baseURI);
  const SHOWN = 10; // results with their excerpt: each is one fragment to fetch
  let pagefind = null;
  let active = -1;
  let latest = 0;

  function load() {
    if (!pagefind) {
      pagefind = import(new URL("pagefind/pagefind.js", root).href).then(async (module) => {
        // result URLs are from the site's root; the root is wherever this site (or version) is served
        await module.options({ baseUrl: root.pathname, excerptLength: 18 });
        module.init();
        return module;
      });
    }
    return pagefind;
  }

  function open() {
    if (!dialog.open) dialog.showModal();
    input.focus();
    input.select();
    load().catch(() => say("Search is not available here: the site has no search index."));
  }

  function say(text) {
    status.textContent = text;
  }

  function count(n) {
    if (n === 0) return status.dataset.none;
    return n === 1 ? status.dataset.one : status.dataset.other.replace("#", String(n));
  }

  // Pagefind's excerpt as nodes: its text, and <mark> around the words found; any other markup is dropped.
  function excerpt(html) {
    const parsed = document.createElement("template");
    parsed.innerHTML = html; // inert: a template's content runs no script and loads nothing
    const out = document.createElement("span");
    out.className = "pmo-search__excerpt";
    for (const node of parsed.content.childNodes) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.append(mark);
      } else {
        out.append(document.createTextNode(node.textContent));
      }
    }
    return out;
  }

  // The section of the page that matches best, when it is one under a heading below the page's title (Pagefind
  // splits a page at its headings with an id): the result then opens there and shows that section's excerpt;
  // else null.
  function section(data) {
    let found = null;
    let best = 0;
    for (const part of data.sub_results || []) {
      const score = (part.weighted_locations || []).reduce((sum, word) => sum + word.balanced_score, 0);
      if (score > best) [found, best] = [part, score];
    }
    return found && found.anchor && found.anchor.element !== "h1" ? found : null;
  }

  // One result: its link is the listbox's option (an option holding a link would nest one control in another).
  function item(data, index) {
    const li = document.createElement("li");
    li.setAttribute("role", "presentation");
    const link = document.createElement("a");
    link.id = `pmo-search-result-${index}`;
    link.setAttribute("role", "option");
    link.setAttribute("aria-selected", "false");
    const part = section(data);
    link.href = part ? part.url : data.url;
    link.tabIndex = -1; // the input keeps the focus; arrows move the choice
    const title = document.createElement("span");
    title.className = "pmo-search__title";
    title.textContent = (data.meta && data.meta.title) || data.url;
    link.append(title);
    if (part) {
      const heading = document.createElement("span");
      heading.className = "pmo-search__section";
      heading.textContent = part.title;
      link.append(heading);
    }
    link.append(excerpt((part ? part.excerpt : data.excerpt) || ""));
    li.append(link);
    li.addEventListener("mousemove", () => choose(index));
    link.addEventListener("click", () => dialog.close()); // a section of the page open only scrolls it
    return li;
  }

  function choose(index) {
    const items = list.querySelectorAll("[role=option]");
    if (active >= 0 && items[active]) items[active].setAttribute("aria-selected", "false");
    active = items.length ? (index + items.length) % items.length : -1;
    if (active < 0) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    items[active].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  }

  async function search() {
    const query = input.value.trim();
    const ticket = ++latest;
    if (!query) {
      list.replaceChildren();
      input.setAttribute("aria-expanded", "false");
      choose(-1);
      say(status.dataset.placeholder);
      return;
    }
    const module = await load();
    const found = await module.debouncedSearch(query, {}, 60);
    if (found === null || ticket !== latest) return; // a later keystroke has its own search
    // every shown result's text is fetched at once; each shows as soon as it and those above it are in
    const pending = found.results.slice(0, SHOWN).map((result) => result.data());
    list.replaceChildren();
    active = -1;
    choose(-1);
    input.setAttribute("aria-expanded", pending.length ? "true" : "false");
    for (const [index, data] of pending.entries()) {
      const shown = await data;
      if (ticket !== latest) return;
      list.append(item(shown, index));
      if (index === 0) choose(0);
    }
    say(count(found.results.length)); // once every shown result is in
  }

  input.addEventListener("input", () => {
    search().catch(() => say("Search is not available here: the site has no search index."));
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      choose(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && active >= 0 && list.children[active]) {
      event.preventDefault();
      list.querySelectorAll("[role=option]")[active].click();
    }
  });
  box.querySelector(".pmo-search__open").addEventListener("click", open);
  box.querySelector(".pmo-search__close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close(); // a click outside the box, on the backdrop
  });
  document.addEventListener("keydown", (event) => {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement?.tagName || "");
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      open();
    }
  });
})();
