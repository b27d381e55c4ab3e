/* The people and unit picker (org.pickers): turns each [data-picker] <select> into a
   button, the chosen chips and a modal dialog with the organisation tree (WAI-ARIA tree
   pattern, loaded level by level), a search by name, account or unit, the office's
   groups and the person's recent choices. Without this script the <select> works as
   it is. No inline handlers (Content Security Policy); loaded once per page however
   many pickers it has. */
(function () {
  "use strict";
  if (window.zhongshuPickers) { return; }
  window.zhongshuPickers = true;

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) { return decodeURIComponent(m[1]); }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function q(url, params) {
    var u = new URL(url, window.location.href);
    Object.keys(params).forEach(function (k) { u.searchParams.set(k, params[k]); });
    return u.toString();
  }

  function Picker(root) {
    this.root = root;
    this.select = document.getElementById(root.getAttribute("data-select"));
    this.base = this.select.id;
    this.multiple = root.getAttribute("data-multiple") === "1";
    this.people = root.getAttribute("data-kind") === "people";
    this.token = root.getAttribute("data-token");
    this.ui = root.querySelector(".picker-ui");
    this.chips = root.querySelector(".picker-chips");
    this.none = root.querySelector(".picker-none");
    this.open = root.querySelector(".picker-open");
    this.dialog = root.querySelector("dialog");
    this.body = this.dialog.querySelector("[data-body]");
    this.count = this.dialog.querySelector("[data-count]");
    this.loaded = false;
    this.pending = [];   // [{pk, label, detail}] while the dialog is open
    this.searchSeq = 0;
    this.enhance();
  }

  Picker.prototype.enhance = function () {
    var self = this;
    // The label written for the <select> now names the button too.
    var label = document.querySelector("label[for='" + this.base + "']");
    if (label) {
      if (!label.id) { label.id = this.base + "-label"; }
      this.open.setAttribute("aria-labelledby", label.id + " " + this.open.id);
      this.chips.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function (e) { e.preventDefault(); self.open.focus(); });
    }
    this.select.hidden = true;
    // The server validates; a hidden required control would block the form silently.
    this.select.removeAttribute("required");
    this.select.setAttribute("tabindex", "-1");
    this.select.setAttribute("aria-hidden", "true");
    this.ui.hidden = false;
    this.open.addEventListener("click", function () { self.show(); });
    this.chips.addEventListener("click", function (e) {
      var btn = e.target.closest("[data-remove]");
      if (btn) { self.remove(btn.getAttribute("data-remove")); }
    });
    this.dialog.addEventListener("click", function (e) { self.onClick(e); });
    this.dialog.addEventListener("change", function (e) { self.onChange(e); });
    this.dialog.addEventListener("keydown", function (e) { self.onKey(e); });
    this.dialog.addEventListener("input", function (e) {
      if (e.target.matches("[data-search]")) { self.search(e.target.value); }
    });
    // Esc: the browser's "cancel" closes the dialog; nothing chosen is kept.
    this.dialog.addEventListener("cancel", function () { self.pending = []; });
    this.dialog.addEventListener("close", function () { self.open.focus(); });
  };

  /* --- the form's value ------------------------------------------------------------ */

  Picker.prototype.current = function () {
    var out = [];
    Array.prototype.forEach.call(this.select.options, function (o) {
      if (o.selected && o.value) {
        out.push({ pk: o.value, label: o.getAttribute("data-label") || o.textContent, detail: "" });
      }
    });
    var chips = {};
    Array.prototype.forEach.call(this.chips.querySelectorAll("li[data-pk]"), function (li) {
      chips[li.getAttribute("data-pk")] = li;
    });
    out.forEach(function (c) {
      var li = chips[c.pk];
      if (li) {
        c.label = li.querySelector("span").textContent;
        var small = li.querySelector("small");
        c.detail = small ? small.textContent : "";
      }
    });
    return out;
  };

  Picker.prototype.write = function (choices) {
    var select = this.select;
    var wanted = {};
    choices.forEach(function (c) { wanted[String(c.pk)] = c; });
    Array.prototype.forEach.call(select.options, function (o) {
      o.selected = Object.prototype.hasOwnProperty.call(wanted, o.value) && o.value !== "";
      if (o.selected) { delete wanted[o.value]; }
    });
    Object.keys(wanted).forEach(function (pk) {
      var o = new Option(wanted[pk].label, pk, true, true);
      select.add(o);
    });
    // The chosen options last, in the order chosen: the form posts them in that order
    // (依次传阅 follows it).
    if (this.multiple) {
      choices.forEach(function (c) {
        var o = Array.prototype.find.call(select.options, function (x) { return x.value === String(c.pk); });
        if (o) { select.appendChild(o); o.selected = true; }
      });
    }
    if (!this.multiple && choices.length === 0) { select.value = ""; }
    this.renderChips(choices);
    select.dispatchEvent(new Event("change", { bubbles: true }));
  };

  Picker.prototype.renderChips = function (choices) {
    var ul = this.chips;
    ul.textContent = "";
    choices.forEach(function (c) {
      var li = document.createElement("li");
      li.className = "chip";
      li.setAttribute("data-pk", c.pk);
      var span = document.createElement("span");
      span.textContent = c.label;
      li.appendChild(span);
      if (c.detail) {
        li.appendChild(document.createTextNode(" "));
        var small = document.createElement("small");
        small.className = "muted";
        small.textContent = c.detail;
        li.appendChild(small);
      }
      li.appendChild(document.createTextNode(" "));
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "chip-remove";
      btn.setAttribute("data-remove", c.pk);
      btn.setAttribute("aria-label", "移除 " + c.label);
      btn.textContent = "×";
      li.appendChild(btn);
      ul.appendChild(li);
    });
    this.none.hidden = choices.length > 0;
  };

  Picker.prototype.remove = function (pk) {
    var left = this.current().filter(function (c) { return String(c.pk) !== String(pk); });
    this.write(left);
    var next = this.chips.querySelector(".chip-remove");
    (next || this.open).focus();
  };

  /* --- the dialog ------------------------------------------------------------------- */

  Picker.prototype.show = function () {
    var self = this;
    this.pending = this.current();
    this.dialog.showModal();
    if (this.loaded) {
      this.sync();
      this.focusFirst();
      return;
    }
    fetch(q(this.root.getAttribute("data-dialog-url"), { s: this.token, b: this.base }),
          { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) {
        if (!r.ok) { return r.text().then(function (t) { throw new Error(t); }); }
        return r.text();
      })
      .then(function (html) {
        self.body.innerHTML = html;
        self.body.setAttribute("aria-busy", "false");
        self.loaded = true;
        var first = self.body.querySelector("[role=treeitem]");
        if (first) { first.setAttribute("tabindex", "0"); }
        self.sync();
        self.focusFirst();
      })
      .catch(function (err) {
        self.body.setAttribute("aria-busy", "false");
        self.body.innerHTML = "";
        var p = document.createElement("p");
        p.className = "error";
        p.setAttribute("role", "alert");
        p.textContent = "加载失败：" + (err.message || "请刷新页面后重试。");
        self.body.appendChild(p);
      });
  };

  Picker.prototype.focusFirst = function () {
    var input = this.body.querySelector("[data-search]");
    if (input) { input.focus(); }
  };

  Picker.prototype.close = function (keep) {
    if (keep) {
      var chosen = this.pending.slice();
      this.write(chosen);
      this.remember(chosen);
    }
    this.pending = [];
    this.dialog.close();
  };

  Picker.prototype.remember = function (chosen) {
    if (!chosen.length) { return; }
    var data = new URLSearchParams();
    data.append("s", this.token);
    chosen.forEach(function (c) { data.append("id", c.pk); });
    fetch(this.root.getAttribute("data-recent-url"), {
      method: "POST", credentials: "same-origin", body: data,
      headers: { "X-CSRFToken": csrf() }
    }).catch(function () { /* a convenience only */ });
  };

  Picker.prototype.isPending = function (pk) {
    return this.pending.some(function (c) { return String(c.pk) === String(pk); });
  };

  Picker.prototype.toggle = function (el, on) {
    var pk = el.getAttribute("data-pick");
    var choice = { pk: pk, label: el.getAttribute("data-label"), detail: el.getAttribute("data-detail") || "" };
    if (on === undefined) { on = !this.isPending(pk); }
    if (on && !this.isPending(pk)) {
      this.pending = this.multiple ? this.pending.concat([choice]) : [choice];
    } else if (!on) {
      this.pending = this.pending.filter(function (c) { return String(c.pk) !== String(pk); });
    }
    this.sync();
  };

  /* Every tree item and checkbox shows whether it is in the pending choice. */
  Picker.prototype.sync = function () {
    var self = this;
    Array.prototype.forEach.call(this.dialog.querySelectorAll("[data-pick]"), function (el) {
      var on = self.isPending(el.getAttribute("data-pick"));
      if (el.matches("input[type=checkbox]")) { el.checked = on; }
      else { el.setAttribute("aria-selected", on ? "true" : "false"); }
    });
    var n = this.pending.length;
    this.count.textContent = n ? ("已选 " + n + (this.people ? " 人" : " 个单位") + "：" +
      this.pending.map(function (c) { return c.label; }).join("、")) : "尚未选择";
  };

  Picker.prototype.onChange = function (e) {
    var el = e.target;
    if (el.matches("input[type=checkbox][data-pick]")) { this.toggle(el, el.checked); }
  };

  Picker.prototype.onClick = function (e) {
    var t = e.target;
    if (t.closest("[data-confirm]")) { this.close(true); return; }
    if (t.closest("[data-cancel]")) { this.close(false); return; }
    var add = t.closest("[data-group-add]");
    if (add) {
      var self = this;
      JSON.parse(add.getAttribute("data-members")).forEach(function (c) {
        if (!self.isPending(c.pk)) { self.pending.push({ pk: String(c.pk), label: c.label, detail: c.detail }); }
      });
      this.sync();
      return;
    }
    var item = t.closest("[role=treeitem]");
    if (item) {
      this.focusItem(item);
      // The triangle, or a unit that is not itself chosen, opens and closes.
      if (t.closest(".tree-toggle") || !item.hasAttribute("data-pick")) { this.expand(item); }
      else { this.toggle(item); }
    }
  };

  /* --- the tree (WAI-ARIA APG tree view) -------------------------------------------- */

  Picker.prototype.visibleItems = function () {
    return Array.prototype.filter.call(this.body.querySelectorAll("[role=treeitem]"), function (el) {
      return el.closest("[role=group][hidden]") === null;
    });
  };

  Picker.prototype.focusItem = function (item) {
    Array.prototype.forEach.call(this.body.querySelectorAll("[role=treeitem][tabindex='0']"), function (el) {
      el.setAttribute("tabindex", "-1");
    });
    item.setAttribute("tabindex", "0");
    item.focus();
  };

  Picker.prototype.expand = function (item, open) {
    if (!item.hasAttribute("aria-expanded")) { return Promise.resolve(); }
    var isOpen = item.getAttribute("aria-expanded") === "true";
    if (open === undefined) { open = !isOpen; }
    var group = item.querySelector(":scope > [role=group]");
    var toggle = item.querySelector(":scope > .tree-row > .tree-toggle");
    item.setAttribute("aria-expanded", open ? "true" : "false");
    group.hidden = !open;
    if (toggle) { toggle.textContent = open ? "▾" : "▸"; }
    if (!open || group.hasAttribute("data-loaded")) { return Promise.resolve(); }
    group.setAttribute("data-loaded", "");
    var self = this;
    var level = parseInt(item.getAttribute("data-level"), 10) + 1;
    item.setAttribute("aria-busy", "true");
    item.zsLoading = fetch(q(this.root.getAttribute("data-tree-url"),
                   { s: this.token, b: this.base, unit: item.getAttribute("data-unit"), level: level }),
                 { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        group.innerHTML = html;
        item.removeAttribute("aria-busy");
        if (!group.querySelector("[role=treeitem]")) {
          item.removeAttribute("aria-expanded");
          if (toggle) { toggle.textContent = ""; }
        }
        self.sync();
      });
    return item.zsLoading;
  };

  Picker.prototype.onKey = function (e) {
    if (e.key === "Tab") { this.trapTab(e); return; }
    var item = e.target.closest && e.target.closest("[role=treeitem]");
    if (!item || e.target !== item) {
      if (e.key === "Enter" && e.target.matches && e.target.matches("[data-search]")) { e.preventDefault(); }
      return;
    }
    var items = this.visibleItems();
    var i = items.indexOf(item);
    var self = this;
    switch (e.key) {
      case "ArrowDown": if (i < items.length - 1) { this.focusItem(items[i + 1]); } break;
      case "ArrowUp": if (i > 0) { this.focusItem(items[i - 1]); } break;
      case "Home": this.focusItem(items[0]); break;
      case "End": this.focusItem(items[items.length - 1]); break;
      case "ArrowRight":
        if (item.getAttribute("aria-expanded") === "false") { this.expand(item, true); }
        else if (item.getAttribute("aria-expanded") === "true") {
          // A key pressed while the level is still loading acts once it has come.
          Promise.resolve(item.zsLoading).then(function () {
            var child = item.querySelector(":scope > [role=group] > [role=treeitem]");
            if (child && document.activeElement === item) { self.focusItem(child); }
          });
        }
        break;
      case "ArrowLeft":
        if (item.getAttribute("aria-expanded") === "true") { this.expand(item, false); }
        else {
          var parent = item.parentElement.closest("[role=treeitem]");
          if (parent) { this.focusItem(parent); }
        }
        break;
      case " ":
      case "Enter":
        if (item.hasAttribute("data-pick")) { this.toggle(item); }
        else { this.expand(item).then(function () { self.focusItem(item); }); }
        break;
      default: return;
    }
    e.preventDefault();
  };

  /* A modal dialog keeps Tab inside it (the page behind is inert as well). */
  Picker.prototype.trapTab = function (e) {
    var focusable = Array.prototype.filter.call(this.dialog.querySelectorAll(
      "button, input, select, textarea, [tabindex='0'], a[href]"), function (el) {
      return !el.disabled && el.offsetParent !== null && el.getAttribute("tabindex") !== "-1";
    });
    if (!focusable.length) { return; }
    var first = focusable[0];
    var last = focusable[focusable.length - 1];
    if (e.shiftKey && document.activeElement === first) { last.focus(); e.preventDefault(); }
    else if (!e.shiftKey && document.activeElement === last) { first.focus(); e.preventDefault(); }
  };

  /* --- search ------------------------------------------------------------------------ */

  Picker.prototype.search = function (text) {
    var self = this;
    var box = this.body.querySelector("[data-results]");
    var seq = ++this.searchSeq;
    clearTimeout(this.searchTimer);
    if (!text.trim()) { box.hidden = true; box.textContent = ""; return; }
    this.searchTimer = setTimeout(function () {
      fetch(q(self.root.getAttribute("data-search-url"), { s: self.token, b: self.base, q: text.trim() }),
            { credentials: "same-origin" })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          // Only the answer to the latest query is shown (answers may arrive out of order).
          if (seq !== self.searchSeq) { return; }
          box.innerHTML = html;
          box.hidden = false;
          self.sync();
        });
    }, 250);
  };

  function init(scope) {
    Array.prototype.forEach.call((scope || document).querySelectorAll("[data-picker]"), function (root) {
      if (!root.hasAttribute("data-picker-ready")) {
        root.setAttribute("data-picker-ready", "");
        new Picker(root);
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(); });
  } else { init(); }
  // Pickers inside fragments that htmx swaps in.
  document.addEventListener("htmx:load", function (e) { init(e.target); });
})();
