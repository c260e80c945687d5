/*
 * The Pipeline tab. Inside Teams: TeamsJS for the team, the theme and an SSO token (the API's Bearer token);
 * opened directly in a browser (local mode): it just calls the API. Talks only to GET /api/pipeline(.csv).
 * Globals: microsoftTeams (TeamsJS UMD), Chart (Chart.js UMD), IntlMessageFormat (intl-messageformat IIFE), all
 * served by the bot under /tab/vendor. Words: the bot's own catalogs (/tab/locales/<locale>.json, ICU messages), in
 * Teams' language (app.getContext() → app.locale), else the browser's; English when there is no catalog for it.
 */
(function () {
  'use strict';

  var STATUSES = ['new', 'claimed', 'nurturing', 'qualified', 'rejected'];
  var state = { inTeams: false, answer: null, charts: {}, seq: 0, locale: 'en', catalog: {}, zone: undefined };
  var $ = function (id) { return document.getElementById(id); };

  // ---------------------------------------------------------------------------------------------------
  // Words

  /** The catalog's nested messages under dotted keys ("tab.refresh"). */
  function flatten(node, prefix, out) {
    Object.keys(node).forEach(function (k) {
      var key = prefix ? prefix + '.' + k : k;
      if (typeof node[k] === 'string') out[key] = node[k];
      else flatten(node[k], key, out);
    });
    return out;
  }

  function fetchCatalog(locale) {
    return fetch('/tab/locales/' + encodeURIComponent(locale) + '.json').then(function (res) {
      if (!res.ok) throw new Error('no catalog for ' + locale);
      return res.json();
    });
  }

  /** The catalog of `tag`'s language ('tr-TR' → tr), else English. */
  function loadWords(tag) {
    var primary = String(tag || 'en').split(/[-_]/)[0].toLowerCase() || 'en';
    return fetchCatalog(primary)
      .then(function (c) { return { locale: primary, catalog: c }; })
      .catch(function () { return fetchCatalog('en').then(function (c) { return { locale: 'en', catalog: c }; }); })
      .then(function (r) {
        state.locale = r.locale;
        state.catalog = flatten(r.catalog, '', {});
        document.documentElement.lang = r.locale;
      })
      .catch(function () { /* no catalog at all: the page keeps its English words */ });
  }

  // The IIFE build's global is the module: the class is its IntlMessageFormat (or default) export.
  var IMF = window.IntlMessageFormat && (window.IntlMessageFormat.IntlMessageFormat || window.IntlMessageFormat.default);

  /** The message `key` with `values` (ICU: plurals, select), in the page's language; the key itself when missing. */
  function T(key, values) {
    var message = state.catalog[key];
    if (message === undefined) return key;
    try {
      return String(new IMF(message, state.locale).format(values));
    } catch {
      return message;
    }
  }

  function num(n) { return new Intl.NumberFormat(state.locale).format(n); }

  /** Every element marked data-i18n (its text), data-i18n-placeholder or data-i18n-aria-label gets its words. */
  function applyWords() {
    document.querySelectorAll('[data-i18n]').forEach(function (el) { el.textContent = T(el.dataset.i18n); });
    document.querySelectorAll('[data-i18n-placeholder]').forEach(function (el) { el.placeholder = T(el.dataset.i18nPlaceholder); });
    document.querySelectorAll('[data-i18n-aria-label]').forEach(function (el) { el.setAttribute('aria-label', T(el.dataset.i18nAriaLabel)); });
  }

  // ---------------------------------------------------------------------------------------------------
  // Teams (or not)

  function withTimeout(promise, ms) {
    return Promise.race([promise, new Promise(function (_ok, fail) { setTimeout(function () { fail(new Error('timeout')); }, ms); })]);
  }

  /** Resolves to the Teams context, or null outside Teams (initialize does not answer within the timeout). */
  function connectTeams() {
    if (!window.microsoftTeams) return Promise.resolve(null);
    // A page that is neither framed nor in a Teams mobile webview is not in Teams: nothing to wait for.
    if (window.parent === window && !window.nativeInterface) return Promise.resolve(null);
    return withTimeout(new Promise(function (ok) { ok(microsoftTeams.app.initialize()); }), 3000)
      .then(function () { return withTimeout(microsoftTeams.app.getContext(), 3000); })
      .then(function (context) {
        microsoftTeams.app.notifySuccess();
        return context;
      })
      .catch(function () { return null; });
  }

  function applyTheme(theme) {
    document.body.dataset.theme = theme === 'dark' || theme === 'contrast' ? theme : 'default';
  }

  function authHeaders() {
    if (!state.inTeams) return Promise.resolve({});
    return microsoftTeams.authentication.getAuthToken().then(function (token) {
      return { Authorization: 'Bearer ' + token };
    });
  }

  // ---------------------------------------------------------------------------------------------------
  // Filters and requests

  function query() {
    var p = new URLSearchParams();
    p.set('range', $('range').value);
    if ($('storefront').value) p.set('storefront', $('storefront').value);
    var offer = $('offer').value.trim();
    if (offer) p.set('offer', offer);
    return p.toString();
  }

  function setStatus(text, isError) {
    var el = $('status');
    el.textContent = text;
    el.classList.toggle('error', Boolean(isError));
    el.setAttribute('role', isError ? 'alert' : 'status');
  }

  function load() {
    var seq = ++state.seq;
    var q = query();
    $('csv').href = '/api/pipeline.csv?' + q;
    setStatus(T('tab.loading'));
    return authHeaders()
      .then(function (headers) { return fetch('/api/pipeline?' + q, { headers: headers }); })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (body) {
          if (!res.ok) throw new Error((body.error && body.error.message) || T('tab.loadFailed', { status: res.status }));
          return body;
        });
      })
      .then(function (answer) {
        if (seq !== state.seq) return; // a newer request is on its way
        state.answer = answer;
        render(answer);
        var time = new Date().toLocaleTimeString(state.locale, { hour: '2-digit', minute: '2-digit', timeZone: state.zone });
        var range = rangeWords(answer.range);
        setStatus(T('tab.updated', { range: range, total: answer.summary.total, time: time }));
      })
      .catch(function (err) {
        if (seq !== state.seq) return;
        setStatus(err && err.message ? err.message : String(err), true);
      });
  }

  /** In Teams the CSV needs the Bearer token, so it is fetched and handed to the browser as a file. */
  function downloadCsv(event) {
    if (!state.inTeams) return; // a plain link: the browser downloads it
    event.preventDefault();
    var href = $('csv').href;
    authHeaders()
      .then(function (headers) { return fetch(href, { headers: headers }); })
      .then(function (res) {
        if (!res.ok) throw new Error(T('tab.csvFailed', { status: res.status }));
        return res.blob();
      })
      .then(function (blob) {
        var a = document.createElement('a');
        a.href = URL.createObjectURL(blob);
        a.download = 'lead-desk-pipeline-' + $('range').value + '.csv';
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      })
      .catch(function (err) { setStatus(err.message, true); });
  }

  // ---------------------------------------------------------------------------------------------------
  // Rendering

  function pct(x) {
    return x === undefined || x === null ? '–' : new Intl.NumberFormat(state.locale, { style: 'percent', maximumFractionDigits: 0 }).format(x);
  }
  function duration(ms) {
    if (ms === undefined || ms === null) return '–';
    var min = ms / 60000;
    if (min < 1) return T('tab.underMinute');
    if (min < 90) return T('duration.minutes', { minutes: Math.round(min) });
    var h = Math.round(min / 60);
    return h < 36 ? T('duration.hours', { hours: h }) : T('duration.days', { days: Math.round(h / 24) });
  }
  /** "This week (from Mon, Nov 30)": the card's words for a range, its days in this browser's zone. */
  function rangeWords(range) {
    var day = function (iso) { return iso ? new Date(iso).toLocaleDateString(state.locale, { weekday: 'short', day: 'numeric', month: 'short' }) : ''; };
    var last = range.to ? new Date(Date.parse(range.to) - 12 * 3600000).toISOString() : undefined;
    var month = range.from ? new Date(range.from).toLocaleDateString(state.locale, { month: 'long', year: 'numeric' }) : '';
    return T('pipeline.range.' + range.name, { from: day(range.from), to: day(last), month: month });
  }
  function reasonWords(reason) { var w = T('reason.' + reason); return w === 'reason.' + reason ? reason : w; }
  var STATUS_KEYS = { new: 'tab.statusNew', claimed: 'tab.statusClaimed', nurturing: 'tab.statusNurturing', qualified: 'tab.statusQualified', rejected: 'tab.statusRejected' };
  function statusWords(status) { return T(STATUS_KEYS[status]); }
  function storefrontWords(s) { var w = T('storefront.' + s); return w === 'storefront.' + s ? s : w; }

  function tile(name, value, note) {
    var el = document.querySelector('[data-tile="' + name + '"]');
    el.querySelector('.value').textContent = value;
    el.querySelector('.note').textContent = note || '';
  }

  function list(id, items, empty) {
    var el = $(id);
    el.replaceChildren();
    if (!items.length) items = [empty];
    items.forEach(function (text) {
      var li = document.createElement('li');
      li.textContent = text;
      el.appendChild(li);
    });
  }

  function render(answer) {
    var s = answer.summary;
    tile('total', num(s.total), T('tab.newInProgress', { new: num(s.byStatus.new), inProgress: num(s.byStatus.claimed + s.byStatus.nurturing) }));
    tile('unclaimed', num(s.unclaimed), s.unclaimedOverdue ? T('tab.overdue', { count: num(s.unclaimedOverdue) }) : T('tab.noneOverdue'));
    tile('time-to-claim', duration(s.timeToClaimMs.p50), s.timeToClaimMs.n ? T('tab.medianClaims', { p90: duration(s.timeToClaimMs.p90), count: s.timeToClaimMs.n }) : T('tab.noClaims'));
    tile('time-to-first-touch', duration(s.timeToFirstTouchMs.p50), s.timeToFirstTouchMs.n ? T('tab.medianP90', { p90: duration(s.timeToFirstTouchMs.p90) }) : T('tab.noTouches'));
    tile('claimed-in-time', pct(s.claimedInTime), T('tab.ofClaimed'));
    tile('qualification-rate', pct(s.qualificationRate), T('tab.closed', { count: num(s.byStatus.qualified + s.byStatus.rejected) }));
    list('reject-reasons', s.topRejectReasons.map(function (r) { return T('tab.reasonCount', { reason: reasonWords(r.reason), count: num(r.count) }); }), T('tab.noRejected'));
    list('hot-unowned', s.hotUnowned.map(function (h) {
      return T('tab.waiting', { offer: h.offer || T('tab.unknownOffer'), time: duration(Date.now() - Date.parse(h.createdAt)) });
    }), T('tab.noHot'));
    drawCharts(s);
  }

  function cssVar(name) { return getComputedStyle(document.body).getPropertyValue(name).trim(); }

  function chart(id, config, summary) {
    if (state.charts[id]) state.charts[id].destroy();
    var canvas = $(id);
    canvas.setAttribute('aria-label', summary);
    canvas.textContent = summary;
    state.charts[id] = new Chart(canvas, config);
  }

  function options(extra) {
    var text = cssVar('--text');
    var grid = cssVar('--grid');
    var reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    var base = {
      responsive: true,
      maintainAspectRatio: false,
      animation: reduced ? false : { duration: 400 },
      plugins: { legend: { labels: { color: text } } },
      scales: {
        x: { ticks: { color: text, precision: 0 }, grid: { color: grid } },
        y: { ticks: { color: text, precision: 0 }, grid: { color: grid }, beginAtZero: true },
      },
    };
    return Object.assign(base, extra || {});
  }

  function drawCharts(s) {
    var palette = [cssVar('--chart-1'), cssVar('--chart-2'), cssVar('--chart-3'), cssVar('--chart-4'), cssVar('--chart-5')];
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = cssVar('--text');

    var statuses = STATUSES;
    chart('by-status', {
      type: 'bar',
      data: { labels: statuses.map(statusWords), datasets: [{ label: T('tab.leads'), data: statuses.map(function (k) { return s.byStatus[k]; }), backgroundColor: palette }] },
      options: options({ plugins: { legend: { display: false } } }),
    }, T('tab.chartStatus', { list: statuses.map(function (k) { return statusWords(k) + ' ' + num(s.byStatus[k]); }).join(', ') }));

    chart('by-storefront', {
      type: 'doughnut',
      data: {
        labels: s.byStorefront.map(function (x) { return storefrontWords(x.storefront); }),
        datasets: [{ data: s.byStorefront.map(function (x) { return x.count; }), backgroundColor: palette, borderColor: cssVar('--surface') }],
      },
      options: options({ scales: {}, plugins: { legend: { position: 'bottom', labels: { color: cssVar('--text') } } } }),
    }, T('tab.chartStorefront', { list: s.byStorefront.map(function (x) { return storefrontWords(x.storefront) + ' ' + num(x.count); }).join(', ') || T('tab.none') }));

    var offers = s.byOffer.slice(0, 10);
    chart('by-offer', {
      type: 'bar',
      data: { labels: offers.map(function (x) { return x.offer; }), datasets: [{ label: T('tab.leads'), data: offers.map(function (x) { return x.count; }), backgroundColor: palette[0] }] },
      options: options({ indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { color: cssVar('--text'), precision: 0 }, grid: { color: cssVar('--grid') } }, y: { ticks: { color: cssVar('--text') }, grid: { display: false } } } }),
    }, T('tab.chartOffer', { list: offers.map(function (x) { return x.offer + ' ' + num(x.count); }).join(', ') || T('tab.none') }));

    var sellers = s.bySeller.slice(0, 12);
    var stack = function (key, label, color) {
      return { label: label, data: sellers.map(function (x) { return x[key]; }), backgroundColor: color };
    };
    chart('by-seller', {
      type: 'bar',
      data: { labels: sellers.map(function (x) { return x.name; }), datasets: [stack('open', T('tab.open'), palette[1]), stack('qualified', statusWords('qualified'), palette[3]), stack('rejected', statusWords('rejected'), palette[4])] },
      options: options({ indexAxis: 'y', scales: { x: { stacked: true, beginAtZero: true, ticks: { color: cssVar('--text'), precision: 0 }, grid: { color: cssVar('--grid') } }, y: { stacked: true, ticks: { color: cssVar('--text') }, grid: { display: false } } } }),
    }, T('tab.chartSeller', { list: sellers.map(function (x) { return T('tab.sellerLine', { name: x.name, open: num(x.open), qualified: num(x.qualified), rejected: num(x.rejected) }); }).join('; ') || T('tab.noOwned') }));
  }

  // ---------------------------------------------------------------------------------------------------
  // Start

  function start() {
    var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
    applyTheme(dark ? 'dark' : 'default');
    connectTeams().then(function (context) {
      // Teams' language (app.locale, e.g. tr-TR) when in Teams, else the browser's.
      var tag = context && context.app && context.app.locale ? context.app.locale : navigator.language;
      return loadWords(tag).then(function () { return context; });
    }).then(function (context) {
      applyWords();
      if (context) {
        state.inTeams = true;
        applyTheme(context.app && context.app.theme);
        var where = context.team && context.team.displayName ? context.team.displayName + (context.channel && context.channel.displayName ? ' · ' + context.channel.displayName : '') : T('tab.subtitle');
        $('subtitle').textContent = where;
        microsoftTeams.app.registerOnThemeChangeHandler(function (theme) {
          applyTheme(theme);
          if (state.answer) drawCharts(state.answer.summary);
        });
      }
      document.body.dataset.host = state.inTeams ? 'teams' : 'browser';
      var timer;
      $('filters').addEventListener('submit', function (e) { e.preventDefault(); load(); });
      $('range').addEventListener('change', load);
      $('storefront').addEventListener('change', load);
      $('offer').addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(load, 400); });
      $('csv').addEventListener('click', downloadCsv);
      load();
    });
  }

  start();
})();
