// The page's chart drawing: the script twin of ArtistPanel, TimeChart, YScale and DisplayFormat.
// The page draws the artist it opens on in Swift (so it shows without JavaScript); every other
// artist is drawn here from its ArtistPayload when opened. The browser tests compare the two
// drawings of the same artist, path for path, so a change to one side must be made to both.

import MomentumAnalytics

extension DashboardAssets {
    static let chartScript = #"""
    var Chart = (function () {
      "use strict";
      var WIDTH = 760, LEFT = 60, RIGHT = 14, TOP = 12, BOTTOM = 24, DAY_MS = 86400000;
      var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

      function esc(text) {
        // As HTMLText.escape: control characters other than newline and tab are dropped.
        return String(text).replace(/[\u0000-\u0008\u000b-\u001f]/g, "").replace(/[&<>"']/g, function (c) {
          return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
        });
      }
      function civil(day) { var d = new Date(day * DAY_MS); return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()]; }
      function dayOf(year, month, date) { return Math.round(Date.UTC(year, month - 1, date) / DAY_MS); }
      function iso(day) {
        var c = civil(day);
        return String(c[0]).padStart(4, "0") + "-" + String(c[1]).padStart(2, "0") + "-" + String(c[2]).padStart(2, "0");
      }

      // DisplayFormat
      function roundAway(v) { return v < 0 ? -Math.round(-v) : Math.round(v); }
      function grouped(v) {
        var digits = String(Math.abs(v)), out = "";
        for (var i = 0; i < digits.length; i++) {
          if (i > 0 && (digits.length - i) % 3 === 0) { out += ","; }
          out += digits[i];
        }
        return v < 0 ? "\u2212" + out : out;
      }
      function fixed(v, digits) {
        if (!isFinite(v)) { return "\u2013"; }
        var factor = Math.pow(10, digits), scaled = Math.round(Math.abs(v) * factor);
        if (scaled >= 9.0e15) { return v < 0 ? "\u2212\u221e" : "\u221e"; }
        var text = grouped(Math.floor(scaled / factor));
        if (digits > 0) { text += "." + String(scaled % factor).padStart(digits, "0"); }
        return v < 0 && scaled > 0 ? "\u2212" + text : text;
      }
      function trimmed(text) { return text.slice(-2) === ".0" ? text.slice(0, -2) : text; }
      function axisLabel(v) {
        var m = Math.abs(v);
        if (m >= 1000000) { return trimmed(fixed(v / 1000000, 1)) + "M"; }
        if (m >= 10000) { return trimmed(fixed(v / 1000, 1)) + "K"; }
        if (m >= 10 || v === Math.round(v)) { return grouped(roundAway(v)); }
        return fixed(v, 2);
      }
      function f(v) {
        var whole = roundAway(v * 10), sign = whole < 0 ? "-" : "", m = Math.abs(whole);
        return m % 10 === 0 ? sign + (m / 10) : sign + Math.floor(m / 10) + "." + (m % 10);
      }
      function monthLabel(day) { var c = civil(day); return c[1] === 1 ? MONTHS[0] + " " + c[0] : MONTHS[c[1] - 1]; }

      // YScale
      function scale(low, high, log) { return {low: low, high: high, log: log}; }
      function fitting(values, log, includeZero) {
        var usable = log ? values.filter(function (v) { return v > 0; }) : values;
        var low = usable.length ? Math.min.apply(null, usable) : (log ? 1 : 0);
        var high = usable.length ? Math.max.apply(null, usable) : (log ? 10 : 1);
        if (includeZero && !log) { low = Math.min(low, 0); high = Math.max(high, 0); }
        if (log) {
          if (high / low < 1.5) { low /= 1.2; high *= 1.2; }
          return scale(low / 1.05, high * 1.05, true);
        }
        if (high - low < 1e-12) { low -= 1; high += 1; }
        var pad = (high - low) * 0.06;
        return scale(includeZero && low === 0 ? 0 : low - pad, high + pad, false);
      }
      function canPlot(s, v) { return isFinite(v) && (!s.log || v > 0); }
      function position(s, v) {
        return s.log ? (Math.log(v) - Math.log(s.low)) / (Math.log(s.high) - Math.log(s.low)) : (v - s.low) / (s.high - s.low);
      }
      function ticks(s) {
        var out = [];
        if (s.log) {
          var decade = 1.0;
          while (decade * 10 <= s.low) { decade *= 10; }
          while (decade > s.low) { decade /= 10; }
          var steps = s.high / s.low < 100 ? [1, 2, 5] : [1];
          while (decade <= s.high) {
            steps.forEach(function (m) { if (decade * m >= s.low && decade * m <= s.high) { out.push(decade * m); } });
            decade *= 10;
          }
          return out;
        }
        var raw = (s.high - s.low) / 5, magnitude = 1.0;
        while (magnitude * 10 <= raw) { magnitude *= 10; }
        while (magnitude > raw) { magnitude /= 10; }
        var step = [1, 2, 5, 10].map(function (m) { return m * magnitude; }).filter(function (c) { return c >= raw; })[0];
        if (step === undefined) { step = magnitude * 10; }
        var tick = Math.ceil(s.low / step) * step;
        while (tick <= s.high + step * 1e-9 && out.length < 12) {
          out.push(Math.abs(tick) < step * 1e-9 ? 0 : tick);
          tick += step;
        }
        return out;
      }

      // TimeChart
      function TimeChart(height, start, end) {
        this.height = height; this.start = start; this.end = end;
        this.plotWidth = WIDTH - LEFT - RIGHT; this.plotHeight = height - TOP - BOTTOM; this.plotBottom = TOP + this.plotHeight;
        this.dayWidth = this.plotWidth / Math.max(1, end - start);
      }
      TimeChart.prototype.x = function (day) { return LEFT + this.plotWidth * (day - this.start) / Math.max(1, this.end - this.start); };
      TimeChart.prototype.y = function (v, s) { return TOP + this.plotHeight * (1 - position(s, v)); };
      TimeChart.prototype.open = function (name, label) {
        return "<svg class=\"" + name + "\" viewBox=\"0 0 " + WIDTH + " " + Math.floor(this.height) + "\" role=\"img\" aria-label=\"" + esc(label) + "\" preserveAspectRatio=\"xMidYMid meet\">";
      };
      TimeChart.prototype.xAxis = function () {
        var out = "<g class=\"axis x-axis\"><line x1=\"" + f(LEFT) + "\" y1=\"" + f(this.plotBottom) + "\" x2=\"" + f(LEFT + this.plotWidth) + "\" y2=\"" + f(this.plotBottom) + "\"/>";
        var c = civil(this.start), year = c[0], month = c[1], list = [];
        for (var first = dayOf(year, month, 1); first <= this.end; first = dayOf(year, month, 1)) {
          if (first >= this.start) { list.push(first); }
          month += 1;
          if (month > 12) { month = 1; year += 1; }
        }
        var stride = list.length > 13 ? 3 : 1;
        for (var i = 0; i < list.length; i += stride) {
          var tx = this.x(list[i]);
          out += "<line x1=\"" + f(tx) + "\" y1=\"" + f(this.plotBottom) + "\" x2=\"" + f(tx) + "\" y2=\"" + f(this.plotBottom + 4) + "\"/>";
          out += "<text x=\"" + f(tx) + "\" y=\"" + f(this.plotBottom + 16) + "\" text-anchor=\"middle\">" + monthLabel(list[i]) + "</text>";
        }
        if (!list.length) { out += "<text x=\"" + f(LEFT) + "\" y=\"" + f(this.plotBottom + 16) + "\">" + iso(this.start) + "</text>"; }
        return out + "</g>";
      };
      TimeChart.prototype.yAxis = function (s, title) {
        var out = "<g class=\"axis y-axis\"><text class=\"axis-title\" transform=\"translate(11 " + f(TOP + this.plotHeight / 2) + ") rotate(-90)\" text-anchor=\"middle\">" + esc(title) + "</text>";
        var chart = this;
        ticks(s).forEach(function (tick) {
          var ty = chart.y(tick, s);
          out += "<line class=\"grid\" x1=\"" + f(LEFT) + "\" y1=\"" + f(ty) + "\" x2=\"" + f(LEFT + chart.plotWidth) + "\" y2=\"" + f(ty) + "\"/>";
          out += "<text x=\"" + f(LEFT - 6) + "\" y=\"" + f(ty + 4) + "\" text-anchor=\"end\">" + axisLabel(tick) + "</text>";
        });
        return out + "</g>";
      };
      TimeChart.prototype.line = function (days, values, s) {
        var d = "", previous = null, count = 0;
        for (var i = 0; i < days.length; i++) {
          var v = values[i];
          if (v === null || !canPlot(s, v)) { previous = null; continue; }
          d += (previous !== null && days[i] - previous === 1 ? "L" : "M") + f(this.x(days[i])) + " " + f(this.y(v, s));
          previous = days[i];
          count += 1;
        }
        return {d: d, points: count};
      };

      // ArtistPayload's series form.
      function decodeSeries(text, count) {
        var out = [], previous = 0;
        if (count === 0) { return out; }
        text.split(",").forEach(function (token) {
          var star = token.indexOf("*"), repeat = 1;
          if (star >= 0) { repeat = parseInt(token.slice(star + 1), 36); token = token.slice(0, star); }
          for (var r = 0; r < repeat; r++) {
            if (token === "") { out.push(null); continue; }
            previous = token[0] === "=" ? parseInt(token.slice(1), 36) : previous + parseInt(token, 36);
            out.push(previous);
          }
        });
        return out;
      }

      function figure(name, title, svg, toggle, legend) {
        var out = "<figure class=\"" + name + "\"><figcaption><span>" + title + "</span>";
        if (toggle) {
          out += "<span class=\"scale-toggle\" role=\"group\" aria-label=\"Scale\"><button type=\"button\" data-scale=\"linear\" aria-pressed=\"true\">linear</button><button type=\"button\" data-scale=\"log\" aria-pressed=\"false\">log</button></span>";
        }
        out += "</figcaption>" + svg + "<ul class=\"legend\">";
        legend.forEach(function (item) { out += "<li><span class=\"swatch " + item[0] + "\"></span>" + esc(item[1]) + "</li>"; });
        return out + "</ul></figure>";
      }

      // ArtistPanel
      function panel(a) {
        var n = a.n, days = decodeSeries(a.t, n);
        var followers = decodeSeries(a.f, n), popularity = decodeSeries(a.p, n);
        var adds = [], last = null;
        for (var i = 0; i < n; i++) {
          adds.push(followers[i] !== null && last !== null ? (followers[i] - followers[last]) / (days[i] - days[last]) : null);
          if (followers[i] !== null) { last = i; }
        }
        (a.a || []).forEach(function (pair) { adds[pair[0]] = pair[1]; });
        var hasFollowers = followers.some(function (v) { return v !== null; });
        var out = "<div class=\"tiles\">";
        a.tiles.forEach(function (t) {
          out += "<div class=\"tile\"><span class=\"label\">" + esc(t[0]) + "</span><span class=\"value\">" + esc(t[1]) + "</span><span class=\"sub\">" + esc(t[2]) + "</span></div>";
        });
        out += "</div>";
        if (a.rk !== null) { out += "<p class=\"ranked-on\">Ranked on <b>" + esc(a.rk) + "</b></p>"; }
        if (!n) { return {html: out + "<p class=\"note\">No daily observations for this artist yet.</p>" + impactTable(a), events: 0}; }
        var start = days[0], end = Math.max(days[n - 1], start + 1);
        var charted = hasFollowers ? a.ev.filter(function (e) { return e[0] >= start && e[0] <= end; }) : [];
        if (hasFollowers) {
          out += followersChart(new TimeChart(250, start, end), a, days, followers, charted);
          out += addsChart(new TimeChart(170, start, end), a, days, adds);
        } else {
          out += "<p class=\"note missing-followers\">No follower counts for this artist: it was captured by a Spotify app in Development Mode, which since February 2026 gets no followers or popularity. " + (a.au.length ? "Its audience on other sources is charted below." : "Track it with an extended-quota app, or import a history with <code>momentum import csv</code>.") + "</p>";
        }
        if (a.au.length) { out += audienceChart(new TimeChart(220, start, end), a); }
        out += popularityChart(new TimeChart(150, start, end), days, popularity, hasFollowers);
        return {html: out + impactTable(a), events: charted.length};
      }

      function followersChart(chart, a, days, followers, charted) {
        var values = followers.filter(function (v) { return v !== null; });
        var linear = fitting(values, false, false), log = fitting(values, true, false);
        var linearLine = chart.line(days, followers, linear), logLine = chart.line(days, followers, log);
        var svg = chart.open("chart followers", "Followers over time") + "<g class=\"event-windows\">";
        a.ev.forEach(function (e) {
          if (e[0] > chart.end) { return; }
          var x0 = chart.x(Math.max(e[0], chart.start)), x1 = chart.x(Math.min(e[0] + 13, chart.end)) + chart.dayWidth;
          if (!(x1 > x0)) { return; }
          svg += "<rect class=\"event-window\" x=\"" + f(x0) + "\" y=\"" + f(TOP) + "\" width=\"" + f(Math.min(x1, LEFT + chart.plotWidth) - x0) + "\" height=\"" + f(chart.plotHeight) + "\"/>";
        });
        svg += "</g>" + chart.xAxis();
        svg += "<g class=\"scale-linear\">" + chart.yAxis(linear, "followers");
        svg += "<path class=\"series followers-line\" data-points=\"" + linearLine.points + "\" d=\"" + linearLine.d + "\"/></g>";
        svg += "<g class=\"scale-log\">" + chart.yAxis(log, "followers (log scale)");
        svg += "<path class=\"series followers-line\" data-points=\"" + logLine.points + "\" d=\"" + logLine.d + "\"/></g>";
        svg += "<g class=\"change-points\">";
        a.cp.forEach(function (p) {
          var x = f(chart.x(p[0]));
          svg += "<line class=\"change-point" + (p[1] ? " aligned" : "") + "\" data-day=\"" + iso(p[0]) + "\" x1=\"" + x + "\" y1=\"" + f(TOP) + "\" x2=\"" + x + "\" y2=\"" + f(chart.plotBottom) + "\">";
          svg += "<title>Change in growth from " + iso(p[0]) + (p[1] ? " (within 3 days of a release)" : "") + "</title></line>";
        });
        svg += "</g>" + releaseMarkers(chart, charted) + "</svg>";
        return figure("followers-figure", "Followers", svg, true, [
          ["line", "followers (line breaks where a day is missing)"], ["marker", "release event (hover for titles)"],
          ["window", "event window: release day + 13 days"], ["change", "change point in growth"],
          ["change aligned", "change point within 3 days of a release"]]);
      }

      // ArtistPanel.releaseMarkers: a flagged line per event, its titles on hover.
      function releaseMarkers(chart, events) {
        var svg = "<g class=\"release-markers\">";
        events.forEach(function (e) {
          var x = f(chart.x(e[0]));
          svg += "<g class=\"release-marker\" data-day=\"" + iso(e[0]) + "\" tabindex=\"0\"><title>" + esc(e[1]) + "</title>";
          svg += "<line class=\"hit\" x1=\"" + x + "\" y1=\"" + f(TOP) + "\" x2=\"" + x + "\" y2=\"" + f(chart.plotBottom) + "\"/>";
          svg += "<line class=\"mark\" x1=\"" + x + "\" y1=\"" + f(TOP) + "\" x2=\"" + x + "\" y2=\"" + f(chart.plotBottom) + "\"/>";
          svg += "<path class=\"flag\" d=\"M" + x + " " + f(TOP) + "l5 -6h-10z\"/></g>";
        });
        return svg + "</g>";
      }

      // ArtistPanel.audienceChart: every series indexed to 100 at its first count.
      function audienceChart(chart, a) {
        var normalized = a.au.map(function (series) {
          var days = decodeSeries(series[2], series[1]), values = decodeSeries(series[3], series[1]), base = null;
          for (var i = 0; i < values.length && base === null; i++) { if (values[i] !== null && values[i] > 0) { base = values[i]; } }
          return [series[0], days, values.map(function (v) { return base === null || v === null ? null : v / base * 100; })];
        });
        var all = [];
        normalized.forEach(function (series) { series[2].forEach(function (v) { if (v !== null) { all.push(v); } }); });
        var s = fitting(all, false, false);
        var svg = chart.open("chart audience", "Audience on every source, indexed to 100 at its first count") + chart.xAxis() + chart.yAxis(s, "index (first count = 100)");
        normalized.forEach(function (series, index) {
          var line = chart.line(series[1], series[2], s);
          svg += "<path class=\"series audience-line s" + (index % 4) + "\" data-series=\"" + esc(series[0]) + "\" data-points=\"" + line.points + "\" d=\"" + line.d + "\"/>";
        });
        svg += releaseMarkers(chart, a.ev.filter(function (e) { return e[0] >= chart.start && e[0] <= chart.end; })) + "</svg>";
        var legend = normalized.map(function (series, index) {
          return ["line audience s" + (index % 4), series[0] + (series[0] === a.rk ? " (ranks this artist)" : "")];
        });
        return figure("audience-figure", "Audience on every source", svg, false, legend.concat([["marker", "release event (hover for titles)"]]));
      }

      function addsChart(chart, a, days, adds) {
        var spikes = Object.create(null), drops = Object.create(null);
        a.s.forEach(function (i) { spikes[i] = true; });
        a.x.forEach(function (i) { drops[i] = true; });
        var s = fitting(adds.filter(function (v) { return v !== null; }), false, true), zero = chart.y(0, s);
        var normal = "", spiky = "", dropped = "", spikeCount = 0;
        for (var i = 0; i < days.length; i++) {
          if (adds[i] === null) { continue; }
          var bar = "M" + f(chart.x(days[i]) + chart.dayWidth / 2) + " " + f(zero) + "V" + f(chart.y(adds[i], s));
          if (spikes[i]) { spiky += bar; spikeCount += 1; } else if (drops[i]) { dropped += bar; } else { normal += bar; }
        }
        var width = f(Math.max(1, chart.dayWidth * 0.75));
        var svg = chart.open("chart adds", "Daily follower adds") + chart.xAxis() + chart.yAxis(s, "added per day");
        svg += "<path class=\"bars\" stroke-width=\"" + width + "\" d=\"" + normal + "\"/>";
        svg += "<path class=\"bars spike\" data-spikes=\"" + spikeCount + "\" stroke-width=\"" + width + "\" d=\"" + spiky + "\"/>";
        svg += "<path class=\"bars drop\" stroke-width=\"" + width + "\" d=\"" + dropped + "\"/></svg>";
        return figure("adds-figure", "Daily adds", svg, false, [
          ["bar", "followers added per day"], ["bar spike", "spike (robust z > 3.5)"], ["bar drop", "drop (robust z < \u22123.5)"]]);
      }

      function popularityChart(chart, days, popularity, hasFollowers) {
        if (!popularity.some(function (v) { return v !== null; })) {
          return hasFollowers ? "<p class=\"note\">No popularity values for this artist.</p>" : "";
        }
        var s = scale(0, 100, false), line = chart.line(days, popularity, s);
        var svg = chart.open("chart popularity", "Popularity over time") + chart.xAxis() + chart.yAxis(s, "popularity");
        svg += "<path class=\"series popularity-line\" data-points=\"" + line.points + "\" d=\"" + line.d + "\"/></svg>";
        return figure("popularity-figure", "Popularity (0\u2013100)", svg, false, [["line popularity", "Spotify popularity"]]);
      }

      function impactTable(a) {
        if (!a.imp.length) { return "<p class=\"note\">No release events (albums and singles with a release day).</p>"; }
        var insufficient = a.imp.filter(function (r) { return !r[2]; }).length;
        var toggle = "impact-all-" + esc(a.id);
        var out = "<h3>Release impact</h3>";
        if (insufficient > 0) { out += "<input type=\"checkbox\" class=\"show-all\" id=\"" + toggle + "\" hidden>"; }
        out += "<div class=\"scroll\"><table class=\"impact\"><thead><tr>";
        ["Event day", "Releases", "Status", "CAR", "t", "Uplift", "Contaminated"].forEach(function (h) { out += "<th scope=\"col\">" + h + "</th>"; });
        out += "</tr></thead><tbody>";
        a.imp.forEach(function (r) {
          var day = esc(r[0]);
          out += "<tr data-day=\"" + day + "\"" + (r[2] ? "" : " class=\"insufficient-row\"") + "><td><time datetime=\"" + day + "\">" + day + "</time></td>";
          out += "<td>" + esc(r[1]) + "</td><td><span class=\"status " + (r[2] ? "ok" : "insufficient") + "\">" + (r[2] ? "ok" : "insufficient data") + "</span></td>";
          out += "<td class=\"num\">" + esc(r[3]) + "</td><td class=\"num\">" + esc(r[4]) + "</td><td class=\"num\">" + esc(r[5]) + "</td>";
          out += "<td>" + (r[6] ? "yes" : "no") + "</td></tr>";
        });
        out += "</tbody></table></div>";
        if (insufficient > 0) {
          out += "<p class=\"note impact-toggle\">" + (a.imp.length - insufficient) + " of " + a.imp.length + " events shown. ";
          out += "<label for=\"" + toggle + "\" class=\"show-all-link\">Show all " + a.imp.length + " (" + insufficient + " with insufficient data)</label></p>";
        }
        return out;
      }

      /// The artist's section, as PageWriter.artistSection writes it.
      function section(a, index) {
        var drawn = panel(a);
        var element = document.createElement("section");
        element.className = "artist";
        element.id = "artist-" + index;
        element.setAttribute("data-artist", a.id);
        element.setAttribute("data-events", String(drawn.events));
        element.innerHTML = "<h2>" + esc(a.name) + " <small>" + esc(a.id) + "</small></h2>" + drawn.html;
        return element;
      }

      // PageWriter.leaderboardRow, from a row of PageWriter.leaderboardData.
      function percent(fraction, digits) {
        var text = fixed(fraction * 100, digits) + "%";
        return fraction > 0 && text.indexOf("0.0") !== 0 ? "+" + text : text;
      }
      function cell(text) { return "<td class=\"num\">" + (text === null ? "\u2013" : esc(text)) + "</td>"; }
      function boardRow(r) {
        var id = esc(r[0]);
        function opt(v, format) { return v === null ? null : format(v); }
        var out = "<tr data-artist=\"" + id + "\">" + cell(r[2] === null ? null : String(r[2]));
        out += "<td><a href=\"#artist=" + id + "\">" + esc(r[1]) + "</a>" + (r[11] === "spotify/followers" ? "" : " <small class=\"series\">" + esc(r[11]) + "</small>") + "</td>";
        out += cell(opt(r[3], grouped));
        out += cell(opt(r[4], function (v) { return percent(v, 1); }));
        out += cell(opt(r[5], function (v) { return percent(v, 1); }));
        out += cell(opt(r[6], function (v) { return percent(v, 1); }));
        out += cell(opt(r[7], function (v) { return fixed(v, 1); }));
        out += cell(String(r[8]));
        out += "<td>" + (r[9] === null ? "\u2013" : "<time datetime=\"" + esc(r[9]) + "\">" + esc(r[9]) + "</time>") + "</td>";
        out += cell(opt(r[10], function (v) { return percent(v, 0); }));
        return out + "</tr>";
      }

      return {section: section, boardRow: boardRow, grouped: grouped, decodeSeries: decodeSeries, escape: esc};
    })();
    """#
}
