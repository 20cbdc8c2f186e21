// Xenon console: progressive enhancement only; every page works without this file.
(function () {
  'use strict';

  // Show / hide a masked secret: the element keeps both forms in data-masked and data-secret.
  function bindReveal(root) {
    root.querySelectorAll('[data-reveal]').forEach(function (button) {
      button.addEventListener('click', function () {
        var target = document.getElementById(button.getAttribute('data-reveal'));
        var shown = target.getAttribute('data-shown') === 'true';
        target.textContent = shown ? target.getAttribute('data-masked') : target.getAttribute('data-secret');
        target.setAttribute('data-shown', shown ? 'false' : 'true');
        button.textContent = shown ? 'Show password' : 'Hide password';
      });
    });
  }

  // Copy the secret (not the masked text) to the clipboard.
  function bindCopy(root) {
    root.querySelectorAll('[data-copy]').forEach(function (button) {
      button.addEventListener('click', function () {
        var target = document.getElementById(button.getAttribute('data-copy'));
        var text = target.getAttribute('data-secret') || target.textContent;
        var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 1500); };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
        } else {
          fallbackCopy(text);
          done();
        }
      });
    });
  }

  function fallbackCopy(text) {
    var area = document.createElement('textarea');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand('copy'); } catch (e) { /* nothing to do */ }
    document.body.removeChild(area);
  }

  // Live regions: an element with an id and data-refresh="ms" is replaced by the same element of
  // a fresh copy of this page, every ms milliseconds (operation statuses, endpoint state).
  function bindRefresh() {
    document.querySelectorAll('[data-refresh]').forEach(function (element) {
      var id = element.id;
      var every = parseInt(element.getAttribute('data-refresh'), 10) || 3000;
      var tick = function () {
        fetch(window.location.href, { headers: { 'X-Requested-With': 'fetch' }, credentials: 'same-origin' })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) {
            if (html) {
              var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById(id);
              var current = document.getElementById(id);
              if (fresh && current) {
                current.replaceWith(fresh);
                bindReveal(fresh); bindCopy(fresh); bindConfirm(fresh);
              }
            }
          })
          .catch(function () { /* try again at the next tick */ })
          .finally(function () { setTimeout(tick, every); });
      };
      setTimeout(tick, every);
    });
  }

  // Forms that ask first.
  function bindConfirm(root) {
    root.querySelectorAll('form[data-confirm]').forEach(function (form) {
      form.addEventListener('submit', function (event) {
        if (!window.confirm(form.getAttribute('data-confirm'))) { event.preventDefault(); }
      });
    });
  }

  // Selects that apply themselves (the connection string's role, database, pooled).
  function bindAutoSubmit(root) {
    root.querySelectorAll('[data-autosubmit]').forEach(function (input) {
      input.addEventListener('change', function () { input.form.submit(); });
    });
  }

  // The branch form's point field only matters for "timestamp" and "LSN".
  function bindBranchForm() {
    var point = document.getElementById('point-field');
    if (!point) { return; }
    var update = function () {
      var chosen = document.querySelector('input[name=from]:checked');
      point.classList.toggle('hidden', !chosen || chosen.value === 'head');
    };
    document.querySelectorAll('input[name=from]').forEach(function (r) { r.addEventListener('change', update); });
    update();
  }

  document.addEventListener('DOMContentLoaded', function () {
    bindReveal(document); bindCopy(document); bindConfirm(document); bindAutoSubmit(document);
    bindBranchForm(); bindRefresh();
  });
})();
