// The page's script, inlined into it: the leaderboard (more rows, sorting), the artist shown
// (from the address, a row or the picker; on a site, after its data file is loaded), the site's
// data files loaded on demand, its search, and the followers chart's scale. The artists'
// drawing is ChartScript.swift's.

extension DashboardAssets {
    static let script = """
    (function () {
      "use strict";
      var data = JSON.parse(document.getElementById("dashboard-data").textContent);
      // A site's page (DashboardSite) holds the artist it opens on and the leaderboard's first
      // rows; the rest comes from data files loaded when needed. The single page holds it all.
      var site = data.site && typeof data.site === "object" ? data.site : null;
      var artists = Array.isArray(data.artists) ? data.artists.slice() : [];
      // A prototype-free map: an address such as #artist=__proto__ must find nothing.
      var indexOf = Object.create(null);
      artists.forEach(function (a, i) { indexOf[a.id] = i; });
      var picker = document.getElementById("artist-picker");
      var container = document.getElementById("artists");
      var leaderboard = document.getElementById("leaderboard");
      var selectedRow = null;

      // A site's data files, each loaded once by a script element (a page opened from a folder
      // may load scripts, not fetch them); callbacks wait for a file being loaded.
      var files = Object.create(null);
      window.MomentumSite = {receive: function (name, value) {
        var file = files[name];
        if (!file || file.state !== "loading") { return; }
        file.state = "loaded";
        file.value = value;
        file.waiting.forEach(function (done) { done(value); });
        file.waiting = [];
      }};
      function load(name, done) {
        var file = files[name];
        if (file && file.state === "loaded") { done(file.value); return; }
        if (file && file.state === "loading") { file.waiting.push(done); return; }
        file = files[name] = {state: "loading", waiting: [done], value: null};
        var script = document.createElement("script");
        var signed = site.urls && Object.prototype.hasOwnProperty.call(site.urls, name) ? site.urls[name] : null;
        script.src = signed || site.base + name;
        script.onerror = function () {
          file.state = "failed";
          status("The dashboard's file " + name + " could not be loaded: reload the page (it may have been replaced by a newer one).");
        };
        document.head.appendChild(script);
      }
      function status(text) {
        var note = document.getElementById("site-status");
        if (!note) {
          note = document.createElement("p");
          note.id = "site-status";
          note.className = "note";
          container.parentNode.insertBefore(note, container);
        }
        note.textContent = text;
      }

      // Ids compared as the lake orders them (UTF-8 bytes, which is code point order).
      function idLess(a, b) {
        for (var i = 0, j = 0; i < a.length && j < b.length;) {
          var x = a.codePointAt(i), y = b.codePointAt(j);
          if (x !== y) { return x < y; }
          i += x > 0xffff ? 2 : 1;
          j += y > 0xffff ? 2 : 1;
        }
        return a.length - i < b.length - j;
      }
      // The artists file that would hold an id (`[name, first id]`, in the lake's order): the
      // last whose first id is not after it; null before the first.
      function artistFileOf(id) {
        var files = Array.isArray(site.artistFiles) ? site.artistFiles : [], low = 0, high = files.length - 1, found = null;
        while (low <= high) {
          var middle = (low + high) >> 1;
          if (idLess(id, String(files[middle][1]))) { high = middle - 1; } else { found = files[middle][0]; low = middle + 1; }
        }
        return found;
      }

      // The artist's section: drawn by the page for the artist it opens on, by Chart when
      // another artist is first opened, then kept.
      function sectionFor(index) {
        var existing = document.getElementById("artist-" + index);
        if (existing) { return existing; }
        var drawn = Chart.section(artists[index], index);
        container.appendChild(drawn);
        return drawn;
      }

      // Shows an artist: its section, or (on a site) after its file is loaded; null when the
      // id is not an artist of the page.
      function show(id, updateHash) {
        if (typeof id !== "string") { return null; }
        if (!Object.prototype.hasOwnProperty.call(indexOf, id) && site) {
          var name = artistFileOf(id);
          if (name === null) { status("No artist " + id + " in this dashboard."); return null; }
          load(name, function (payloads) {
            (Array.isArray(payloads) ? payloads : []).forEach(function (a) {
              if (a && typeof a.id === "string" && !Object.prototype.hasOwnProperty.call(indexOf, a.id)) {
                indexOf[a.id] = artists.length;
                artists.push(a);
              }
            });
            if (Object.prototype.hasOwnProperty.call(indexOf, id)) { show(id, updateHash); } else { status("No artist " + id + " in this dashboard."); }
          });
          return "loading";
        }
        if (!Object.prototype.hasOwnProperty.call(indexOf, id)) { return null; }
        var index = indexOf[id];
        if (typeof index !== "number") { return null; }
        var target = sectionFor(index);
        // A note about an artist not found goes once the reader opens another.
        var note = updateHash ? document.getElementById("site-status") : null;
        if (note) { note.parentNode.removeChild(note); }
        Array.prototype.forEach.call(container.children, function (s) { s.hidden = s !== target; });
        markSelected(id);
        if (picker) { picker.value = id; }
        if (updateHash) { history.replaceState(null, "", "#artist=" + encodeURIComponent(id)); }
        return target;
      }

      function fromHash() {
        var match = /^#(artist|find)=(.+)$/.exec(location.hash);
        if (!match) { return false; }
        var text;
        // A hand-typed or truncated address (#artist=%E0%A4%A) is ignored, not thrown.
        try { text = decodeURIComponent(match[2]); } catch (error) { return false; }
        if (match[1] === "find") {
          if (search) { search.value = text; find(text); }
          return false;
        }
        return show(text, false) !== null;
      }

      // The leaderboard: the table holds the first `shown` rows of `order`, drawn here (the
      // page wrote the first page of them for readers without script). The single page has
      // every row in its data; a site loads its board files as more rows are asked for.
      var board = Array.isArray(data.board) ? data.board : [];
      var total = site && typeof site.boardRows === "number" ? site.boardRows : board.length;
      var order = board.map(function (row, i) { return i; });
      var pageRows = leaderboard ? Math.max(leaderboard.tBodies[0].rows.length, 1) : 0;
      var shown = Math.min(board.length, pageRows);
      var more = document.getElementById("leaderboard-more");
      var count = document.querySelector(".board-count span");
      // Column key to its place in a data row; text columns sort as text.
      var columns = {rank: 2, artist: 1, followers: 3, growth_7d: 4, growth_28d: 5, acceleration_7d: 6,
                     momentum_score: 7, spikes_28d: 8, last_event_day: 9, last_event_uplift: 10};

      function drawBoard() {
        if (!leaderboard) { return; }
        leaderboard.tBodies[0].innerHTML = order.slice(0, shown).map(function (i) { return Chart.boardRow(board[i]); }).join("");
        selectedRow = null;
        var current = /^#artist=(.+)$/.exec(location.hash);
        markSelected(current ? safeDecode(current[1]) : (artists[data.selected] || {}).id);
        if (count) { count.textContent = Chart.grouped(shown) + " of " + Chart.grouped(total) + " artists shown"; }
        if (more) { more.hidden = shown >= total; }
      }

      // A site's leaderboard rows through `rows` (every row for Infinity), loaded file by file
      // in rank order; then `done`.
      function boardThrough(rows, done) {
        if (!site || board.length >= Math.min(rows, total)) { done(); return; }
        var perFile = site.boardRowsPerFile, number = Math.floor(board.length / perFile);
        if (count) { count.textContent = "Loading the leaderboard (" + Chart.grouped(board.length) + " of " + Chart.grouped(total) + " rows)…"; }
        load("board-" + number + ".js", function (rowsOfFile) {
          var known = board.length;
          (Array.isArray(rowsOfFile) ? rowsOfFile : []).slice(known - number * perFile).forEach(function (row) {
            order.push(board.length);
            board.push(row);
          });
          if (board.length === known) { total = known; }
          boardThrough(rows, done);
        });
      }

      function safeDecode(text) { try { return decodeURIComponent(text); } catch (error) { return null; } }

      function markSelected(id) {
        if (selectedRow) { selectedRow.classList.remove("selected"); selectedRow = null; }
        if (!leaderboard || typeof id !== "string") { return; }
        Array.prototype.some.call(leaderboard.tBodies[0].rows, function (r) {
          if (r.getAttribute("data-artist") !== id) { return false; }
          r.classList.add("selected");
          selectedRow = r;
          return true;
        });
      }

      if (more) {
        more.addEventListener("click", function () {
          boardThrough(shown + pageRows, function () {
            shown = Math.min(board.length, shown + pageRows);
            drawBoard();
          });
        });
      }

      // One listener for the whole table: thousands of rows need no handler each.
      if (leaderboard) {
        leaderboard.tBodies[0].addEventListener("click", function (event) {
          var row = event.target.closest("tr");
          if (!row) { return; }
          event.preventDefault();
          var target = show(row.getAttribute("data-artist"), true);
          if (target && target.scrollIntoView && event.target.tagName === "A") { target.scrollIntoView({behavior: "smooth"}); }
        });
      }
      if (picker) { picker.addEventListener("change", function () { show(picker.value, true); }); }
      window.addEventListener("hashchange", fromHash);

      // A site's search: every shown artist's id and name, from its directory files (loaded at
      // the first search); the first 20 matches by name, then by id, as links.
      var search = document.getElementById("artist-search");
      var results = document.getElementById("search-results");
      var directory = null;
      function directoryLoaded(done) {
        if (directory) { done(); return; }
        // Kept in the files' order (the lake's), whatever order they arrive in.
        var names = Array.isArray(site.directoryFiles) ? site.directoryFiles : [], parts = [], remaining = names.length;
        if (!remaining) { directory = []; done(); return; }
        var searching = document.getElementById("search-status");
        if (searching) { searching.hidden = false; searching.textContent = "Loading the artists…"; }
        names.forEach(function (name, number) {
          load(String(name), function (part) {
            parts[number] = Array.isArray(part) ? part : [];
            remaining -= 1;
            if (remaining === 0) {
              directory = [].concat.apply([], parts);
              if (searching) { searching.hidden = true; }
              done();
            }
          });
        });
      }
      function find(text) {
        var query = String(text).trim().toLowerCase();
        if (!results) { return; }
        if (!query) { results.innerHTML = ""; return; }
        directoryLoaded(function () {
          if (String(search.value).trim().toLowerCase() !== query) { return; }
          var byName = [], byID = [];
          for (var i = 0; i < directory.length && byName.length < 20; i++) {
            var entry = directory[i];
            if (String(entry[1]).toLowerCase().indexOf(query) >= 0) { byName.push(entry); } else if (byID.length < 20 && String(entry[0]).toLowerCase() === query) { byID.push(entry); }
          }
          var found = byName.concat(byID).slice(0, 20);
          results.innerHTML = found.map(function (entry) {
            return "<li><a href=\\"#artist=" + Chart.escape(encodeURIComponent(entry[0])) + "\\" data-artist=\\"" + Chart.escape(entry[0]) + "\\">"
              + Chart.escape(entry[1]) + "</a> <small>" + Chart.escape(entry[0]) + "</small></li>";
          }).join("") || "<li class=\\"none\\">No artist matches.</li>";
        });
      }
      if (search && site) { search.addEventListener("input", function () { find(search.value); }); }

      // Sorting, over every row of the leaderboard: numbers by value, text alphabetically,
      // missing values last either way.
      document.querySelectorAll("table.sortable th button").forEach(function (button) {
        button.addEventListener("click", function () {
          var th = button.parentElement, column = columns[th.getAttribute("data-key")];
          if (typeof column !== "number") { return; }
          var numeric = th.classList.contains("num");
          var descending = th.getAttribute("aria-sort") === "ascending";
          boardThrough(Infinity, function () {
            th.closest("table").querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
            th.setAttribute("aria-sort", descending ? "descending" : "ascending");
            function key(i) { var v = board[i][column]; return v === null ? null : (column === 1 ? String(v).toLowerCase() : v); }
            order.sort(function (a, b) {
              var x = key(a), y = key(b);
              if (x === null || y === null) { return x === y ? a - b : (x === null ? 1 : -1); }
              var result = numeric ? x - y : (x < y ? -1 : (x > y ? 1 : 0));
              if (column === 1) { result = x.localeCompare(y); }
              return (descending ? -result : result) || a - b;
            });
            drawBoard();
          });
        });
      });

      // Linear or log scale for the followers chart, in drawn and later sections alike.
      document.addEventListener("click", function (event) {
        var button = event.target.closest ? event.target.closest(".scale-toggle button") : null;
        if (!button) { return; }
        var figure = button.closest("figure");
        figure.classList.toggle("log", button.getAttribute("data-scale") === "log");
        button.parentElement.querySelectorAll("button").forEach(function (b) {
          b.setAttribute("aria-pressed", String(b === button));
        });
      });

      drawBoard();
      if (!fromHash() && artists.length) {
        var first = artists[typeof data.selected === "number" && artists[data.selected] ? data.selected : 0];
        show(first.id, false);
      }
    })();
    """
}
