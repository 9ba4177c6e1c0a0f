"""The vocabulary and shapes the navigation detector matches: skip links, menu and footer
items in several languages, share and cookie wording, breadcrumb separators (navigation.py
says how they are used)."""

from __future__ import annotations

import re

from .base import wordset
from .credits import AGENCIES, AGENCY_PHRASES

SKIP_LINK = re.compile(
    r"^(?:skip|jump) (?:to|navigation|ahead)\b|^(?:zum inhalt|zur navigation|direkt zum|"
    r"aller au contenu|passer au contenu|aller à la navigation|saltar al contenido|"
    r"ir al contenido|vai al contenuto|salta al contenuto|pular para o conteúdo|"
    r"ir para o conteúdo|перейти к содержанию|перейти к основному|naar de inhoud|"
    r"przejdź do treści)",
    re.IGNORECASE,
)

# Menu and footer items. Strong items almost never stand alone in an article's text.
MENU_STRONG = wordset(
    """home homepage login log-in logout sign-in sign-up signin signup register subscribe
    subscriptions newsletter newsletters menu search sitemap rss imprint impressum
    accessibility advertise careers faq faqs help contact cookies cookie-settings
    startseite accueil inicio главная kontakt datenschutz"""
)
MENU_STRONG_PHRASES = frozenset(
    {
        "log in", "sign in", "sign up", "sign out", "log out", "my account", "about us",
        "contact us", "privacy policy", "privacy notice", "terms of use", "terms of service",
        "terms and conditions", "cookie policy", "cookie settings", "manage cookies",
        "do not sell my personal information", "do not sell or share my personal information",
        "your privacy choices", "all rights reserved", "follow us", "get the app",
        "download the app", "e-paper", "epaper", "back to top", "main menu", "more sections",
        "all sections", "site map", "help center", "customer service", "manage preferences",
    }
)  # fmt: skip
# Section names: menu items when several stand together, but common words on their own.
MENU_WEAK = wordset(
    """news world politics business economy markets finance money tech technology science
    health sport sports football culture arts entertainment lifestyle life style travel food
    opinion opinions analysis video videos podcast podcasts photos gallery weather climate
    environment education local national international us uk europe asia africa americas
    africa middle east latest trending popular live more features magazine books music
    film tv media games gaming autos cars property real estate jobs obituaries events
    shop deals topics sections investigations explainers newsletters crosswords puzzles
    fashion beauty wellness home garden regions archive about"""
)
MENU_WEAK_PHRASES = frozenset(
    {
        "middle east",
        "real estate",
        "most read",
        "most popular",
        "editor's picks",
        "top stories",
        "latest news",
        "breaking news",
        "world news",
        "local news",
        "fact check",
        "fact-check",
        "personal finance",
        "u.s.",
        "in pictures",
    }
)

# Page-UI labels that stand alone on a line of scraped text.
UI_LABELS = frozenset(
    {
        "advertisement", "advertisements", "ad", "ads", "sponsored", "sponsored content",
        "promoted", "paid content", "anzeige", "werbung", "publicité", "publicidad",
        "pubblicità", "реклама", "story continues below advertisement",
        "article continues below advertisement", "continue reading below",
        "scroll to continue with content", "scroll to continue reading",
        "continue reading", "read more", "read full article", "show more", "load more",
        "see more", "view more", "more", "show less", "expand", "collapse", "close", "open",
        "toggle navigation", "navigation", "menu", "search", "search for", "go", "submit",
        "listen", "listen to this article", "listen to article", "play", "play video",
        "watch", "watch video", "watch now", "pause", "mute", "unmute", "image", "photo",
        "video", "audio", "gallery", "enlarge", "enlarge image", "fullscreen",
        "next", "previous", "prev", "next article", "previous article", "next story",
        "back", "back to top", "top", "loading", "loading...", "loading…", "please wait",
        "updated", "comments", "view comments", "add comment", "hide caption",
        "toggle caption", "caption", "skip advertisement", "remove ads", "ad feedback",
        "report an issue", "give feedback", "feedback", "weiterlesen", "mehr lesen",
        "learn more", "get short url", "short url", "copy link", "link copied",
        "print this article", "print article", "print this page", "view gallery",
        "lire la suite", "leer más", "leggi di più", "ver más",
    }
)  # fmt: skip
# "5 min read", "3-minute read", "Reading time: 4 minutes", "00:00 / 03:21".
UI_PATTERN = re.compile(
    r"^(?:\d{1,3}[ -]?(?:min(?:ute)?s?|mins?)\.? read(?:ing)?(?: time)?|"
    r"(?:reading time|lesezeit|temps de lecture)\s*:?\s*\d{1,3}\s*\w{0,8}|"
    r"\d{1,2}:\d{2}(?:\s*/\s*\d{1,2}:\d{2})?|"
    r"(?:updated |posted )?\d{1,3}\s?(?:[smhd]|mins?|hrs?|minutes?|hours?|days?) ago|"
    r"\d[\d.,]{0,6}\s*[km]?\s*(?:comments?|shares?|views?|likes?))$",
    re.IGNORECASE,
)

UI_STARTS = ("reading time", "lesezeit", "temps de lecture")
# Share / print / e-mail bars: every word on the line comes from this vocabulary.
SHARE_CORE = wordset(
    """share shares sharing tweet tweets email e-mail mail print facebook twitter whatsapp
    linkedin pinterest reddit telegram flipboard messenger tumblr bluesky threads
    mastodon permalink bookmark teilen drucken partager imprimer compartir imprimir
    condividi stampa"""
)
SHARE_VOCAB = SHARE_CORE | wordset(
    """on this the a an article story page post via to link url copy copied opens in new
    window tab click x sms more options gift save saved share-this or and with your friend
    friends e mail e-mail print-friendly version auf per sur"""
)

# Cookie banners speak about the site's own cookies in the first person, or are buttons.
COOKIE_SENTENCE = re.compile(
    r"\b(?:we|this (?:web)?site|our (?:web)?site|this page|our partners)"
    r" (?:and our partners )?(?:use|uses|are using|is using|may use) cookies\b|"
    r"\bby (?:continuing to (?:browse|use)|using) (?:this|our) (?:web)?site,? "
    r"you (?:agree|accept|consent)\b",
    re.IGNORECASE,
)
COOKIE_BUTTON = re.compile(
    r"\baccept (?:all )?cookies\b|\b(?:reject|decline|refuse) (?:all|cookies|non-essential)\b|"
    r"\bmanage (?:your )?(?:cookie|consent|privacy) (?:settings|preferences|choices)\b|"
    r"\bcookies? (?:settings|preferences|consent|banner|notice|policy)\b",
    re.IGNORECASE,
)
COOKIE_BUTTON_MAX_WORDS = 8
COOKIE_MAX_WORDS = 80

# Subscription and log-in prompts: short standalone lines only.
SUBSCRIBE = re.compile(
    r"^(?:subscribe|sign up|register|log ?in|sign in|join|become a (?:member|subscriber)|"
    r"already (?:a subscriber|a member|have an account|registered)|create (?:a |your )?"
    r"(?:free )?account|get (?:full|unlimited) access|unlock (?:this|full|unlimited)|"
    r"(?:start|try) (?:your )?(?:free )?trial|you (?:have|'ve) (?:reached|read)|"
    r"this (?:article|story|content) is (?:for|available to|exclusive to|reserved for) "
    r"(?:subscribers|members)|to continue reading|support (?:our|independent) journalism|"
    r"(?:get|sign up for) (?:our|the) (?:\w+ )?newsletter|"
    r"(?:don't|do not) miss (?:a|any|the)|want more\b)",
    re.IGNORECASE,
)
SUBSCRIBE_MAX_WORDS = 25

TOC = re.compile(
    r"^(?:table of contents|contents|in this (?:article|story|post)|jump to|on this page|"
    r"inhalt|inhaltsverzeichnis|sommaire|table des matières|índice|contenido|indice|"
    r"содержание)\s*:?$",
    re.IGNORECASE,
)
TOC_MAX_ENTRY_WORDS = 14
TOC_KEYS = (
    "contents", "in this article", "in this story", "in this post", "jump to", "on this page",
    "inhalt", "inhaltsverzeichnis", "sommaire", "table des",
    "índice", "contenido", "indice", "содержание",
)  # fmt: skip

# "© 2024 Example Gazette", "Copyright 2019 ...", "... All rights reserved."
COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)\s*(?:\d{4}|[A-Z])", re.IGNORECASE)
RESERVED = re.compile(r"\ball rights reserved\b", re.IGNORECASE)
CRUMB_CHARS = re.compile(r"[›»>→/|•·]")
# A line that is an HTML tag (or a run of them) left in scraped text: a tracking pixel,
# an embed, a stray "<div ...>". Its text content, if any, is at most a few words.
MARKUP = re.compile(
    r"^(?:<(?:img|div|span|script|iframe|a|p|br|hr|link|meta|source|picture|figure|noscript|"
    r"style|input|button|svg|path|ins|video|audio|embed|object|param|section|article|header|"
    r"footer|nav|aside|ul|li|table|tr|td)\b[^<>]{0,2000}/?>|</[a-z]{1,10}>)",
    re.IGNORECASE,
)
TAG = re.compile(r"<[^<>]{1,2000}>")
# Bylines: "By Jane Doe", "By Jane Doe, Reuters", "by Tom Rogan", "Jane Doe, Reuters",
# "Jane Doe | Reuters". Metadata, not a defect: removed with an info flag.
BYLINE = re.compile(
    r"^(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Pp]or|[Dd]oor)\s+(?:the\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,4}"
    r"(?:\s*(?:,|\||and|&|und|et|y)\s*[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,4}){0,3}$"
)
NAME_AGENCY = re.compile(
    r"^[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){1,3}\s*[,|]\s*(?P<agency>[^,|]{2,40})$"
)
# Prefilter keys (whole words or phrases) for the regex checks below.
SKIP_KEYS = (
    "skip", "jump", "zum inhalt", "zur navigation", "direkt", "aller", "passer", "saltar",
    "ir al", "vai", "salta", "pular", "ir para", "перейти", "naar", "przejdź",
)  # fmt: skip
SUBSCRIBE_KEYS = (
    "subscribe", "sign up", "register", "log in", "login", "sign in", "join", "become",
    "already", "create", "get full", "get unlimited", "unlock", "trial", "you have",
    "you've", "this article", "this story", "this content", "to continue", "support",
    "newsletter", "miss", "want more",
)  # fmt: skip
COOKIE_KEYS = ("cookie", "cookies", "by continuing", "by using")
# Breadcrumb separators. "/" only counts when the first item says "Home".
CRUMB_SEP = re.compile(r"\s+(?:›|»|>|→|/|\||•|·)\s+|\s*[›»→]\s*")
HOME = frozenset({"home", "homepage", "start", "startseite", "accueil", "inicio", "главная"})
AGENCY_NAMES = AGENCIES
AGENCY_WORDS = (*AGENCY_PHRASES, "associated press", "news service", "news agency", "staff")
# Menu phrases a footer row is made of, longest first (for the greedy parse in _menu_row).
ROW_PHRASES = sorted(
    (tuple(p.split()) for p in MENU_STRONG_PHRASES | MENU_STRONG), key=len, reverse=True
)
ROW_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _phrase in ROW_PHRASES:
    ROW_BY_FIRST.setdefault(_phrase[0], []).append(_phrase)
