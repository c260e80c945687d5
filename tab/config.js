/* The configuration page of the team tab: one fixed view, so it only tells Teams where the tab lives. */
(function () {
  'use strict';
  var status = document.getElementById('status');
  var origin = window.location.origin;

  function timeout(ms) {
    return new Promise(function (_resolve, reject) {
      setTimeout(function () { reject(new Error('timeout')); }, ms);
    });
  }

  if (!window.microsoftTeams) {
    status.textContent = 'The Teams library did not load.';
    return;
  }
  Promise.race([microsoftTeams.app.initialize(), timeout(3000)])
    .then(function () {
      microsoftTeams.pages.config.registerOnSaveHandler(function (saveEvent) {
        microsoftTeams.pages.config
          .setConfig({ entityId: 'pipeline', contentUrl: origin + '/tab', websiteUrl: origin + '/tab', suggestedDisplayName: 'Pipeline' })
          .then(function () { saveEvent.notifySuccess(); })
          .catch(function (err) { saveEvent.notifyFailure(String((err && err.message) || err)); });
      });
      microsoftTeams.pages.config.setValidityState(true);
      status.textContent = 'Select Save to add the Pipeline tab to this channel.';
    })
    .catch(function () {
      status.textContent = 'Open this page from Teams (Add a tab → Lead Desk) to add the Pipeline tab.';
    });
})();
