// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Technology suggestions as you type: complete the tag after the last comma.
  function enhanceTagField(input) {
    var listId = input.getAttribute("list");
    var datalist = listId && document.getElementById(listId);
    if (!datalist || !datalist.dataset.suggestUrl) return;
    var url = datalist.dataset.suggestUrl;
    var timer = null;
    var lastQuery = null;

    function render(names, prefix) {
      datalist.textContent = "";
      names.forEach(function (name) {
        var option = document.createElement("option");
        option.value = prefix + name;
        option.label = name;
        datalist.appendChild(option);
      });
    }

    input.addEventListener("input", function () {
      var value = input.value;
      var cut = value.lastIndexOf(",");
      var prefix = cut >= 0 ? value.slice(0, cut + 1) + " " : "";
      var query = value.slice(cut + 1).trim();
      if (query === lastQuery) return;
      lastQuery = query;
      clearTimeout(timer);
      if (!query) { datalist.textContent = ""; return; }
      timer = setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (names) { render(names, prefix.replace(/\s+$/, " ")); })
          .catch(function () { /* suggestions are optional */ });
      }, 120);
    });
  }

  document.querySelectorAll("input[list]").forEach(enhanceTagField);

})();
