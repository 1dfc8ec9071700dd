/* "My programme": star occurrences on any page (kept in this browser's localStorage, no
   account), list them on /my with a warning where two overlap, and offer a calendar
   feed of exactly the starred ones. Progressive: without JavaScript the pages work as
   before. Everything shown is set with textContent, never as HTML. */
(function () {
  "use strict";
  var KEY = "affiche.starred";
  var words = {};

  function load() {
    try {
      var list = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(list) ? list.filter(function (x) { return typeof x === "string"; }) : [];
    } catch (e) {
      return [];
    }
  }

  function save(list) {
    window.localStorage.setItem(KEY, JSON.stringify(list));
  }

  function toggle(uid) {
    var list = load();
    var at = list.indexOf(uid);
    if (at >= 0) { list.splice(at, 1); } else { list.push(uid); }
    save(list);
    return at < 0;
  }

  function starButton(uid, onChange) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "star";
    function paint() {
      var on = load().indexOf(uid) >= 0;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? "\u2605" : "\u2606";
      button.title = on ? words.unstar : words.star;
      button.setAttribute("aria-label", button.title);
    }
    button.addEventListener("click", function () {
      toggle(uid);
      paint();
      if (onChange) { onChange(); }
    });
    paint();
    return button;
  }

  function addStars() {
    document.querySelectorAll("li.occ[id]").forEach(function (li) {
      if (li.classList.contains("cancelled")) { return; }
      li.insertBefore(starButton(li.id), li.firstChild);
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function feedUrl(base, uids) {
    var query = uids.map(function (u) { return "uid=" + encodeURIComponent(u); }).join("&");
    var url = new URL(base || "/my.ics", window.location.href);
    url.search = query;
    return url.href;
  }

  function titleOf(o, lang) {
    return o.title[lang] || o.title.en || o.title.fr;
  }

  function dayName(day, lang) {
    try {  // the programme day, named in the page's language
      return new Date(day + "T12:00:00Z").toLocaleDateString(lang, {
        weekday: "long", day: "numeric", month: "long", timeZone: "UTC" });
    } catch (e) {
      return day;
    }
  }

  function renderMine(root) {
    var lang = document.documentElement.lang;
    fetch("/api/programme").then(function (answer) { return answer.json(); }).then(function (data) {
      var venues = {};
      data.venues.forEach(function (v) { venues[v.id] = v; });
      var starred = load();
      var mine = data.occurrences.filter(function (o) { return starred.indexOf(o.uid) >= 0; });
      mine.sort(function (a, b) { return Date.parse(a.start) - Date.parse(b.start); });
      root.textContent = "";
      if (!mine.length) {
        root.appendChild(element("p", "empty", words.empty));
        return;
      }
      var feed = element("p", "my-feed");
      var https = feedUrl(root.dataset.feed, mine.map(function (o) { return o.uid; }));
      var subscribe = element("a", "subscribe", words.feed);
      subscribe.href = https.replace(/^https?:/, "webcal:");  // calendar apps subscribe
      var download = element("a", "download", words.download);
      download.href = https;
      download.type = "text/calendar";
      feed.appendChild(subscribe);
      feed.appendChild(document.createTextNode(" \u00b7 "));
      feed.appendChild(download);
      root.appendChild(feed);
      var list = element("ul", "occs mine");
      mine.forEach(function (o, n) {
        var li = element("li", "occ");
        li.id = o.uid;
        var clashes = mine.filter(function (other, m) {
          return m !== n && Date.parse(other.start) < Date.parse(o.end) &&
            Date.parse(o.start) < Date.parse(other.end);
        });
        li.appendChild(starButton(o.uid, function () { renderMine(root); }));
        li.appendChild(element("p", "when", dayName(o.day, lang) + ", " + o.start.slice(11, 16) + "\u2013" + o.end.slice(11, 16)));
        var what = element("p", "what");
        var title = element("a", "", titleOf(o, lang));
        title.href = o.url;
        what.appendChild(title);
        li.appendChild(what);
        var venue = venues[o.venue] || { name: o.venue };
        li.appendChild(element("p", "meta", (lang === "fr" && venue.name_fr) || venue.name));
        if (clashes.length) {
          li.classList.add("clash");
          var names = clashes.map(function (c) { return titleOf(c, lang); }).join(" \u00b7 ");
          li.appendChild(element("p", "overlap", words.overlap + " " + names));
        }
        list.appendChild(li);
      });
      root.appendChild(list);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    words = document.body.dataset;
    var mine = document.getElementById("my-programme");
    if (mine) { renderMine(mine); } else { addStars(); }
  });
})();
