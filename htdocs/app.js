// Sends the form to the echo with fetch and shows the JSON it gets back.
// Without JavaScript the form still posts to /echo/form and the browser shows the JSON.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("echo-form");
  const result = document.getElementById("echo-result");

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let path = document.getElementById("echo-path").value.trim() || "/echo/";
    if (!path.startsWith("/echo")) {
      path = "/echo/" + path.replace(/^\/+/, "");
    }
    const message = document.getElementById("echo-message").value;
    result.textContent = "Sending…";
    try {
      const response = await fetch(path + "?sent=" + Date.now(), {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Requested-With": "wsgi-echo-demo" },
        body: JSON.stringify({ message }),
      });
      const data = await response.json();
      result.textContent = JSON.stringify(data, null, 2);
      result.dataset.status = String(response.status);
    } catch (error) {
      result.textContent = "The echo did not answer: " + error;
      result.dataset.status = "error";
    }
  });
});
