// 智能朗读: reads the article with the browser's Chinese voice, one sentence at a time, the
// sentence being read highlighted and scrolled into view; play, pause, resume, stop, speed.
// Without a Chinese voice it plays the recording made at publication, or says that there is
// none. No library, no network: only the Web Speech API.
(function () {
  "use strict";

  var box = document.querySelector("[data-readaloud]");
  if (!box) return;
  var body = document.querySelector(box.getAttribute("data-target"));
  var title = document.querySelector(".portal-title");
  var subtitle = document.querySelector(".portal-subtitle");
  var playButton = box.querySelector("[data-ra-play]");
  var stopButton = box.querySelector("[data-ra-stop]");
  var rateSelect = box.querySelector("[data-ra-rate]");
  var message = box.querySelector("[data-ra-message]");
  var player = box.querySelector("[data-ra-audio]");
  var lang = box.getAttribute("data-lang") || "zh-CN";
  var label = {
    play: box.getAttribute("data-msg-play"),
    pause: box.getAttribute("data-msg-pause"),
    resume: box.getAttribute("data-msg-resume"),
  };

  var SENTENCE = /[^。！？!?；;…\n]+[。！？!?；;…]*[”’」』）)]*|[。！？!?；;…]+/g;
  var sentences = [];
  var state = "idle"; // idle | playing | paused | audio
  var current = -1;
  var generation = 0; // bumped on stop and on speed change: late events of old utterances are ignored
  var voice = null;

  function wrap(root) {
    if (!root) return;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      var text = node.nodeValue;
      if (!text.trim()) return;
      var parts = text.match(SENTENCE) || [text];
      var fragment = document.createDocumentFragment();
      parts.forEach(function (part) {
        if (!part.trim()) {
          fragment.appendChild(document.createTextNode(part));
          return;
        }
        var span = document.createElement("span");
        span.className = "ra-sentence";
        span.textContent = part;
        fragment.appendChild(span);
        sentences.push(span);
      });
      node.parentNode.replaceChild(fragment, node);
    });
  }
  wrap(title);
  wrap(subtitle);
  wrap(body);

  function say(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  function highlight(index) {
    if (current >= 0 && sentences[current]) sentences[current].classList.remove("ra-current");
    current = index;
    var span = sentences[index];
    if (!span) return;
    span.classList.add("ra-current");
    var rect = span.getBoundingClientRect();
    if (rect.top < 60 || rect.bottom > window.innerHeight - 20) {
      span.scrollIntoView({ block: "center", behavior: "smooth" });
    }
  }

  function setButton(mode) {
    playButton.querySelector("[data-ra-label]").textContent = label[mode];
    stopButton.hidden = state === "idle";
  }

  function chineseVoice() {
    var voices = window.speechSynthesis ? window.speechSynthesis.getVoices() : [];
    var zh = voices.filter(function (v) {
      return /^zh/i.test(v.lang || "") || /^cmn/i.test(v.lang || "");
    });
    var mainland = zh.filter(function (v) { return /CN|Hans/i.test(v.lang); });
    return mainland[0] || zh[0] || null;
  }

  function findVoice(done) {
    if (!window.speechSynthesis || !window.SpeechSynthesisUtterance) return done(null);
    var found = chineseVoice();
    if (found) return done(found);
    // Voices often arrive a moment after the page loads.
    var finished = false;
    function finish() {
      if (finished) return;
      finished = true;
      done(chineseVoice());
    }
    window.speechSynthesis.addEventListener("voiceschanged", finish, { once: true });
    setTimeout(finish, 1500);
  }

  function speak(index) {
    if (index >= sentences.length) {
      stop();
      return;
    }
    var mine = generation;
    var utterance = new window.SpeechSynthesisUtterance(sentences[index].textContent);
    utterance.lang = lang;
    utterance.voice = voice;
    utterance.rate = parseFloat(rateSelect.value) || 1;
    utterance.onstart = function () {
      if (mine === generation) highlight(index);
    };
    utterance.onend = function () {
      if (mine === generation && state !== "idle") speak(index + 1);
    };
    utterance.onerror = utterance.onend;
    highlight(index);
    window.speechSynthesis.speak(utterance);
  }

  function stop() {
    generation += 1;
    if (window.speechSynthesis) window.speechSynthesis.cancel();
    if (current >= 0 && sentences[current]) sentences[current].classList.remove("ra-current");
    current = -1;
    state = "idle";
    setButton("play");
  }

  function fallback() {
    var audio = box.getAttribute("data-audio");
    if (!audio) {
      say(box.getAttribute("data-msg-none"));
      playButton.disabled = true;
      return;
    }
    say(box.getAttribute("data-msg-no-voice"));
    state = "audio";
    playButton.hidden = true;
    rateSelect.closest("label").hidden = true;
    player.hidden = false;
    player.src = audio;
    var started = player.play();
    if (started && started.catch) started.catch(function () {});
  }

  playButton.addEventListener("click", function () {
    if (state === "playing") {
      window.speechSynthesis.pause();
      state = "paused";
      setButton("resume");
      return;
    }
    if (state === "paused") {
      window.speechSynthesis.resume();
      state = "playing";
      setButton("pause");
      return;
    }
    findVoice(function (found) {
      if (!found) {
        fallback();
        return;
      }
      voice = found;
      say("");
      generation += 1;
      window.speechSynthesis.cancel();
      state = "playing";
      setButton("pause");
      speak(0);
    });
  });

  stopButton.addEventListener("click", stop);

  rateSelect.addEventListener("change", function () {
    if (state !== "playing" && state !== "paused") return;
    // The new speed applies from the sentence being read, which starts again.
    var from = Math.max(current, 0);
    generation += 1;
    window.speechSynthesis.cancel();
    window.speechSynthesis.resume();
    state = "playing";
    setButton("pause");
    speak(from);
  });

  window.addEventListener("pagehide", function () {
    if (window.speechSynthesis) window.speechSynthesis.cancel();
  });
})();
