// The evaluation report's behaviour: tabs between sets and sortable tables. Without script every
// set is shown, one under the other, in the order the page was written.
(function () {
  'use strict';

  function showSet(name) {
    document.querySelectorAll('section.set').forEach(function (section) {
      section.hidden = section.dataset.set !== name;
    });
    document.querySelectorAll('.tabs button').forEach(function (tab) {
      tab.setAttribute('aria-selected', String(tab.dataset.set === name));
    });
  }

  var tabs = document.querySelectorAll('.tabs button');
  tabs.forEach(function (tab) {
    tab.addEventListener('click', function () { showSet(tab.dataset.set); });
  });
  if (tabs.length > 0) {
    var selected = document.querySelector('.tabs button[aria-selected=true]') || tabs[0];
    showSet(selected.dataset.set);
  }

  // numeric cells carry their value in data-v; an empty one (a class absent from the set) sorts
  // last in either direction
  function sortKey(row, column, numeric) {
    var cell = row.cells[column];
    return numeric ? cell.dataset.v : cell.textContent.trim();
  }

  function sortTable(table, header, column) {
    var ascending = header.getAttribute('aria-sort') !== 'ascending';
    var numeric = header.dataset.type === 'number';
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = sortKey(a, column, numeric);
      var y = sortKey(b, column, numeric);
      if (x === '' || y === '') {
        return (x === '') - (y === '');
      }
      var order = numeric ? Number(x) - Number(y) : x.localeCompare(y, 'ko');
      return ascending ? order : -order;
    });
    table.querySelectorAll('thead th').forEach(function (th) { th.removeAttribute('aria-sort'); });
    header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    rows.forEach(function (row) { body.appendChild(row); });
  }

  document.querySelectorAll('table.sortable').forEach(function (table) {
    table.querySelectorAll('thead th').forEach(function (header, column) {
      var button = header.querySelector('button');
      if (button) {
        button.addEventListener('click', function () { sortTable(table, header, column); });
      }
    });
  });
})();
