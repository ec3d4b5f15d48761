// Card payments: the card's fields go from the browser to the payment provider's tokenization
// endpoint, and only the token it answers goes into Recoup's form. The card inputs have no name, so
// neither htmx nor the browser ever sends them to Recoup. Without this script the form cannot be sent.
(function () {
  "use strict";
  if (window.recoupCardForm) {
    enable(document);
    return;
  }
  window.recoupCardForm = true;

  const BRANDS = { visa: "Visa", mastercard: "Mastercard", amex: "American Express", discover: "Discover" };

  function enable(root) {
    root.querySelectorAll("form[data-card-form] [data-card-submit]").forEach(function (button) {
      button.disabled = false;
    });
  }

  function clearErrors(form) {
    form.querySelectorAll("[data-card-error]").forEach(function (slot) {
      slot.hidden = true;
      slot.textContent = "";
    });
    form.querySelectorAll("[data-card]").forEach(function (input) {
      input.removeAttribute("aria-invalid");
    });
  }

  function showError(form, field, message) {
    const input = field ? form.querySelector('[data-card="' + field + '"]') : null;
    const slot = form.querySelector('[data-card-error="' + (input ? field : "") + '"]');
    slot.textContent = message;
    slot.hidden = false;
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
  }

  async function tokenize(form) {
    const body = new URLSearchParams();
    form.querySelectorAll("[data-card]").forEach(function (input) {
      body.set(input.getAttribute("data-card"), input.value);
    });
    const response = await fetch(form.getAttribute("data-tokenize-url"), {
      method: "POST",
      body: body,
      credentials: "omit",
      headers: { Accept: "application/json" },
    });
    const answer = await response.json();
    return { ok: response.ok, answer: answer };
  }

  // Capture phase: this runs before htmx's own submit handler on the form, and stops it until the
  // token is in place; then the form is submitted again and goes on its way with the token.
  document.addEventListener(
    "submit",
    function (event) {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-card-form")) return;
      const token = form.querySelector('input[name="token"]');
      if (token.value) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      const button = form.querySelector("[data-card-submit]");
      button.disabled = true;
      clearErrors(form);
      tokenize(form)
        .then(function (result) {
          if (!result.ok) {
            const error = result.answer.error || {};
            showError(form, error.field || "", error.message || "The payment provider refused the card.");
            return;
          }
          token.value = result.answer.token;
          form.querySelectorAll("[data-card]").forEach(function (input) {
            input.value = input.getAttribute("data-card") === "holder_name" ? input.value : "";
          });
          const brand = BRANDS[result.answer.brand] || result.answer.brand;
          button.textContent = "Charging " + brand + " ending " + result.answer.last4 + "…";
          form.requestSubmit();
        })
        .catch(function () {
          showError(form, "", "The payment provider could not be reached; nothing was charged. Try again.");
        })
        .finally(function () {
          button.disabled = false;
        });
    },
    true,
  );

  document.addEventListener("htmx:load", function (event) {
    enable(event.target);
  });
  enable(document);
})();
