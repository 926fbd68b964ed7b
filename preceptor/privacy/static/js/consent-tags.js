// Third-party tags, loaded only because the server rendered this script for purposes the visitor granted.
// Google Consent Mode v2: "default" with every type denied is the first gtag call; "update" follows the grants.
(function () {
  "use strict";
  var me = document.currentScript;
  var granted = (me.dataset.granted || "").split(" ");
  function has(purpose) { return granted.indexOf(purpose) !== -1; }
  function load(src) { var s = document.createElement("script"); s.async = true; s.src = src; document.head.appendChild(s); }

  if (me.dataset.ga || me.dataset.ads) {
    window.dataLayer = window.dataLayer || [];
    window.gtag = function () { window.dataLayer.push(arguments); };
    gtag("consent", "default", {
      ad_storage: "denied", ad_user_data: "denied", ad_personalization: "denied", analytics_storage: "denied",
      functionality_storage: "denied", personalization_storage: "denied", security_storage: "denied"
    });
    var ads = has("marketing_google") ? "granted" : "denied";
    gtag("consent", "update", {
      analytics_storage: has("statistics_google") ? "granted" : "denied",
      ad_storage: ads, ad_user_data: ads, ad_personalization: ads
    });
    gtag("js", new Date());
    if (me.dataset.ga) gtag("config", me.dataset.ga, { user_properties: { signed_in: me.dataset.signedIn } });
    if (me.dataset.ads) gtag("config", me.dataset.ads);
    load("https://www.googletagmanager.com/gtag/js?id=" + encodeURIComponent(me.dataset.ga || me.dataset.ads));
  }
  if (me.dataset.hotjar) {
    window.hj = window.hj || function () { (window.hj.q = window.hj.q || []).push(arguments); };
    window._hjSettings = { hjid: Number(me.dataset.hotjar), hjsv: 6 };
    load("https://static.hotjar.com/c/hotjar-" + encodeURIComponent(me.dataset.hotjar) + ".js?sv=6");
  }
  if (me.dataset.meta) {
    var fbq = window.fbq = function () { fbq.callMethod ? fbq.callMethod.apply(fbq, arguments) : fbq.queue.push(arguments); };
    fbq.push = fbq; fbq.loaded = true; fbq.version = "2.0"; fbq.queue = [];
    fbq("init", me.dataset.meta);
    fbq("track", "PageView");
    load("https://connect.facebook.net/en_US/fbevents.js");
  }
})();
