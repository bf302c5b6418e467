/* vow cookie banner: vanilla JavaScript, no dependencies. The server
   appends its configuration (from the policy in force) and styles:
   (function (C, S) {...})(config, styles); */
(function (C, S) {
  "use strict";
  var d = document, w = window, K = C.cookie.name, listeners = [], root;
  var lang = (d.documentElement.lang || "en").slice(0, 2).toLowerCase();
  if (!C.texts[lang]) lang = "en";
  var T = C.texts[lang];
  var gpc = C.gpc && (navigator.globalPrivacyControl === true || C.gpc_header);

  // Google Consent Mode v2: denied until the person chooses.
  w.dataLayer = w.dataLayer || [];
  function gtag() { w.dataLayer.push(arguments); }
  gtag("consent", "default", { ad_storage: "denied", analytics_storage: "denied",
    ad_user_data: "denied", ad_personalization: "denied", wait_for_update: 500 });

  function read() {
    var m = d.cookie.match(new RegExp("(?:^|; )" + K + "=([^;]*)"));
    if (!m) return null;
    try { return JSON.parse(decodeURIComponent(m[1])); } catch (e) { return null; }
  }
  var saved = read();
  function visitor() {
    return (saved && saved.v) || (w.crypto && crypto.randomUUID ? crypto.randomUUID() :
      Date.now().toString(36) + Math.random().toString(36).slice(2));
  }

  function patterns(cat) {
    var list = [];
    cat.trackers[0].en.forEach(function (t) {
      list.push(new RegExp("^" + t.name.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*") + "$"));
    });
    return list;
  }
  // Deletes the cookies of a refused category, by exact name and by
  // pattern, on every path and domain this page can reach.
  function wipe(cat) {
    var res = patterns(cat), host = location.hostname.split("."), paths = ["/"], p = "";
    location.pathname.split("/").forEach(function (s) { if (s) { p += "/" + s; paths.push(p); } });
    d.cookie.split("; ").forEach(function (c) {
      var name = c.split("=")[0];
      if (!name || !res.some(function (r) { return r.test(name); })) return;
      for (var i = 0; i < host.length; i++) {
        var dom = host.slice(i).join(".");
        paths.forEach(function (path) {
          var base = name + "=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=" + path;
          d.cookie = base;
          d.cookie = base + "; domain=" + dom;
          d.cookie = base + "; domain=." + dom;
        });
      }
    });
  }
  // Runs the blocked scripts and frames of allowed categories, once.
  function unblock(allowed) {
    d.querySelectorAll("script[type='text/plain'][data-vow-category]").forEach(function (s) {
      if (!allowed[s.getAttribute("data-vow-category")] || s.vowRan) return;
      s.vowRan = 1;
      var n = d.createElement("script");
      for (var i = 0; i < s.attributes.length; i++) {
        var a = s.attributes[i];
        if (a.name != "type") n.setAttribute(a.name, a.value);
      }
      n.text = s.text;
      s.parentNode.insertBefore(n, s.nextSibling);
    });
    d.querySelectorAll("iframe[data-vow-category][data-src]").forEach(function (f) {
      if (allowed[f.getAttribute("data-vow-category")] && !f.src) f.src = f.getAttribute("data-src");
    });
  }

  function apply(choices, record) {
    var before = saved && saved.c, allowed = { essential: true };
    C.categories.forEach(function (c) {
      if (c.fixed) { allowed[c.id] = true; return; }
      allowed[c.id] = !!choices[c.id] && !(gpc && c.gpc);
      if (!allowed[c.id]) wipe(c);
    });
    gtag("consent", "update", {
      analytics_storage: allowed.analytics ? "granted" : "denied",
      ad_storage: allowed.advertising ? "granted" : "denied",
      ad_user_data: allowed.advertising ? "granted" : "denied",
      ad_personalization: allowed.advertising ? "granted" : "denied"
    });
    if (record) {
      saved = { v: visitor(), m: C.material, c: allowed, t: Date.now() };
      d.cookie = K + "=" + encodeURIComponent(JSON.stringify(saved)) + "; path=/; max-age=" +
        C.cookie.days * 86400 + "; SameSite=Lax" + (location.protocol == "https:" ? "; Secure" : "");
      var body = { visitor: saved.v, choices: {}, text_hash: C.text_hash, policy: C.policy, gpc: gpc };
      C.categories.forEach(function (c) { if (!c.fixed) body.choices[c.id] = allowed[c.id]; });
      var forget = function () { d.cookie = K + "=; path=/; max-age=0"; };
      if (w.fetch) fetch(C.endpoint, { method: "POST", keepalive: true,
        headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
        .then(function (r) { if (r.status == 409) forget(); }).catch(function () {});
      // Scripts that already ran keep running: a page reload stops them.
      if (before && C.categories.some(function (c) { return before[c.id] && !allowed[c.id]; })) {
        setTimeout(function () { location.reload(); }, 150);
      }
    }
    unblock(allowed);
    listeners.forEach(function (f) { f(allowed); });
    return allowed;
  }

  function el(tag, attrs, text) {
    var e = d.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function button(label, cls, act) {
    var b = el("button", { type: "button", "class": "vow-b " + cls }, label);
    b.onclick = act;
    return b;
  }
  function close(choices) { apply(choices, true); if (root) root.remove(); root = null; }
  function all(v) { var o = {}; C.categories.forEach(function (c) { o[c.id] = v; }); return o; }

  function show(second) {
    if (root) root.remove();
    if (!d.getElementById("vow-s")) d.head.appendChild(el("style", { id: "vow-s" }, S));
    root = el("div", { id: "vow-banner", role: "dialog", "aria-modal": "false", "aria-labelledby": "vow-t", lang: lang });
    root.appendChild(el("h2", { id: "vow-t" }, T.title));
    root.appendChild(el("p", {}, T.body.replace("{org}", C.organisation)));
    if (gpc) root.appendChild(el("p", { "class": "vow-gpc", role: "status" }, T.gpc));
    var current = (saved && saved.c) || {}, boxes = {};
    if (second) {
      C.categories.forEach(function (c) {
        var fixed = c.fixed || (gpc && c.gpc), id = "vow-c-" + c.id;
        var box = el("input", { type: "checkbox", id: id });
        box.checked = c.fixed || (!fixed && !!current[c.id]);
        box.disabled = fixed;
        boxes[c.id] = box;
        var row = el("div", { "class": "vow-cat" }), label = el("label", { "for": id }, T[c.id]);
        row.appendChild(box); row.appendChild(label);
        if (c.fixed) row.appendChild(el("span", { "class": "vow-fixed" }, " " + T.always));
        var more = el("details"), table = el("table"), head = el("tr");
        more.appendChild(el("summary", {}, T[c.id] + " (" + c.trackers[0].en.length + ")"));
        ["name", "provider", "purpose", "duration"].forEach(function (k) { head.appendChild(el("th", { scope: "col" }, T[k])); });
        table.appendChild(head);
        (c.trackers[0][lang] || c.trackers[0].en).forEach(function (t) {
          var tr = el("tr");
          ["name", "provider", "purpose", "duration"].forEach(function (k) { tr.appendChild(el("td", {}, t[k])); });
          table.appendChild(tr);
        });
        more.appendChild(table); row.appendChild(more); root.appendChild(row);
      });
    }
    var bar = el("div", { "class": "vow-bar" });
    bar.appendChild(button(T.reject, "vow-main", function () { close(all(false)); }));
    bar.appendChild(button(T.accept, "vow-main", function () { close(all(true)); }));
    bar.appendChild(second ?
      button(T.save, "vow-alt", function () { var o = {}; for (var k in boxes) o[k] = boxes[k].checked; close(o); }) :
      button(T.choose, "vow-alt", function () { show(true); }));
    root.appendChild(bar);
    d.body.appendChild(root);
    root.querySelector("button, input:not([disabled])").focus();
  }

  w.vow = {
    open: function () { show(true); },
    consent: function () { return saved && saved.m == C.material ? saved.c : null; },
    on: function (f) { listeners.push(f); }
  };
  function start() {
    if (saved && saved.m == C.material) apply(saved.c, false);
    else show(false);
  }
  if (d.body) start(); else d.addEventListener("DOMContentLoaded", start);
})
