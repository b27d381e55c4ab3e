/* Small page behaviours without inline handlers, so the Content Security Policy can
   refuse every inline script that carries no nonce.
   - <select data-autosubmit> submits its form when changed;
   - <form data-confirm="…"> asks before submitting;
   - <form data-inert> never submits (a placeholder search box);
   - <button data-print> prints the page. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-inert")) {
      event.preventDefault();
      return;
    }
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();
