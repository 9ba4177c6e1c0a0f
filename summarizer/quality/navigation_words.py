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
        "lire la suite", "leer más", "leggi di più", "ver más", "previous post", "next post",
        "older post", "newer post", "older posts", "newer posts", "reply", "cancel reply",
        "back to gallery", "see full gallery", "view full gallery", "next prev",
        "publicidade", "sponsored links", "スポンサードリンク", "広告",
    }
)  # fmt: skip
# "Reading time: 4 minutes" in the eight languages.
UI_STARTS = (
    "reading time", "lesezeit", "temps de lecture", "tempo de leitura", "tiempo de lectura",
    "tempo di lettura", "leestijd", "czas czytania",
)  # fmt: skip
# "5 min read", "3-minute read", "Reading time: 4 minutes", "00:00 / 03:21".
UI_PATTERN = re.compile(
    r"^(?:\d{1,3}[ -]?(?:min(?:ute)?s?|mins?)\.? read(?:ing)?(?: time)?|"
    rf"(?:{'|'.join(UI_STARTS)})\s*:?\s*\d{{1,3}}\s*\w{{0,8}}|"
    r"\d{1,2}:\d{2}(?:\s*/\s*\d{1,2}:\d{2})?|"
    r"(?:updated |posted )?\d{1,3}\s?(?:[smhd]|mins?|hrs?|minutes?|hours?|days?) ago|"
    r"\d[\d.,]{0,6}\s*[km]?\s*(?:comments?|shares?|views?|likes?)|"
    # A gallery's counter: "1 / 5", "1 - 5 of 36".
    r"\d{1,3}\s*(?:/|-|of)\s*\d{1,3}(?:\s*of\s*\d{1,4})?)$",
    re.IGNORECASE,
)

# Share / print / e-mail bars: every word on the line comes from this vocabulary.
SHARE_CORE = wordset(
    """share shares sharing tweet tweets email e-mail mail print facebook twitter whatsapp
    linkedin pinterest reddit telegram flipboard messenger tumblr bluesky threads
    mastodon permalink bookmark teilen drucken partager imprimer compartir imprimir
    condividi stampa compartilhar compartilhe pint pinit"""
)
SHARE_VOCAB = SHARE_CORE | wordset(
    """on this the a an article story page post via to link url copy copied opens in new
    window tab click x sms more options gift save saved share-this or and with your friend
    friends e mail e-mail print-friendly version auf per sur pin baixar download"""
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
# A newsletter box: a short heading naming it ("Breaking News Emails", "Morning Briefing"),
# at most two lines of pitch, and the "Subscribe" button.
NEWSLETTER_WORDS = wordset(
    """newsletter newsletters emails e-mails briefing alerts infolettre boletín boletim"""
)
NEWSLETTER_LINES = 2
NEWSLETTER_HEADING_WORDS = 5

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
RESERVED = re.compile(r"\ball rights? reserved\b", re.IGNORECASE)
# The site's own legal small print, which can run longer than a copyright line: "The
# material on this site may not be reproduced", trademark notices, "By registering you
# ... agree to the Terms", affiliate-link disclosures.
SITE_TERMS = re.compile(
    r"\b(?:material|content)s? (?:on|of) this (?:web)?site (?:may|must) not be\b|"
    r"(?:,[^,.]{1,40}){2,}\bare (?:registered )?trademarks of\b|"  # a list of marks
    r"\bby (?:registering|signing up|subscribing|creating an account),? you\b.{0,120}?\bagree\b|"
    r"\bwhen you (?:buy|purchase|shop) (?:something |products? )?(?:through|via|using) "
    r"(?:the |our )?(?:retail )?links\b|"
    r"\bthe information (?:provided |contained )?on this (?:web)?site\b|"
    # The disclaimers of health and fitness shops: the FDA formula, "for informational
    # purposes only", "Results vary depending on ...".
    r"\bnot been evaluated by the (?:food and drug administration|fda)\b|"
    r"\b(?:is|are) (?:provided )?for (?:general )?informational purposes only\b|"
    r"^\W?results (?:may )?vary depending on\b",
    re.IGNORECASE,
)
SITE_TERMS_MAX_WORDS = 80
# A notice that opens its line ("By registering you become a member ... and agree to the
# Terms of Use ...") is small print throughout, however long.
SITE_TERMS_OPENING_MAX_WORDS = 160
SITE_TERMS_KEYS = (
    "this site", "this website", "trademarks", "registering", "signing up", "subscribing",
    "creating an account", "links", "food and drug", "fda", "informational purposes",
    "results",
)  # fmt: skip
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

# The notices of a blog's comment form (WordPress and the engines that copy its strings),
# in the languages the detectors cover: the site talking about its own form, never news prose.
COMMENT_FORM = re.compile(
    r"\b(?:your|the) e-?mail(?: address)? will not be (?:published|shared)\b|"
    r"\brequired fields are marked\b|\bsave my name,? e-?mail\b|"
    r"\bnotify me (?:of|by e-?mail|via e-?mail)\b.{0,40}\b(?:comments?|posts?|replies|answers)\b|"
    r"\bthis site uses akismet\b|\bhow your comment data is processed\b|"
    r"\b(?:o )?(?:seu )?(?:endereço de )?e-?mail não será publicado\b|"
    r"\bcampos obrigatórios (?:são|estão) marcados\b|\bsalvar meus dados\b|"
    r"\btu (?:dirección de )?correo(?: electrónico)? no será publicad[oa]\b|"
    r"\blos campos obligatorios están marcados\b|"
    r"\bvotre adresse (?:e-?mail|de messagerie) ne sera pas publiée\b|"
    r"\bles champs obligatoires sont indiqués\b|"
    r"\b(?:deine|ihre) e-?mail-adresse wird nicht veröffentlicht\b|"
    r"\berforderliche felder sind (?:mit|markiert)\b|"
    r"\bil tuo indirizzo (?:e-?mail )?non sarà pubblicato\b|"
    r"\bi campi obbligatori sono contrassegnati\b|"
    r"\b(?:je|uw) e-?mailadres wordt niet gepubliceerd\b|\bvereiste velden zijn gemarkeerd\b|"
    r"\btwój adres (?:e-?mail )?nie zostanie opublikowany\b|\bwymagane pola są oznaczone\b|"
    # The moderation policy over a comment form: "ATENÇÃO: Comentários com textos
    # ininteligíveis ... não serão aprovados", "Comments are moderated".
    r"\bcomentários\b.{0,160}\bnão serão (?:aprovados|publicados)\b|"
    r"\bcomments? (?:are|will be) (?:moderated|reviewed before)\b|"
    r"\bcomments\b.{0,160}\bwill not be (?:approved|published)\b|"
    r"\bcomentarios\b.{0,160}\bno serán (?:aprobados|publicados)\b|"
    r"\bcommentaires\b.{0,160}\bne seront pas (?:publiés|validés)\b|"
    r"\bles commentaires sont modérés\b|"
    r"\bkommentare werden\b.{0,40}\b(?:moderiert|freigeschaltet)\b|"
    r"\bcommenti\b.{0,160}\bnon saranno (?:pubblicati|approvati)\b|\bi commenti sono moderati\b|"
    r"\breacties worden gemodereerd\b|\bkomentarze są moderowane\b",
    re.IGNORECASE,
)
COMMENT_FORM_KEYS = (
    "not be published", "not be shared", "fields are marked", "save my name", "notify me",
    "akismet", "comment data", "não será publicado", "obrigatórios", "salvar meus dados",
    "no será publicad", "obligatorios están", "ne sera pas publiée", "champs obligatoires",
    "nicht veröffentlicht", "felder sind", "non sarà pubblicato", "campi obbligatori",
    "niet gepubliceerd", "velden zijn", "nie zostanie opublikowany", "pola są oznaczone",
    "comentários", "comments", "comment", "commentaires", "comentarios", "commenti",
    "kommentare", "reacties", "komentarze",
)  # fmt: skip
COMMENT_FORM_MAX_WORDS = 40
# A tag box: the label alone ("Tags") over a list of keywords, or "Tags: a, b, c" on one line.
TAGS_LABEL = re.compile(
    r"^(?:tags?|tagged(?: with| in)?|tagi|schlagw(?:ö|oe)rter|stichw(?:ö|oe)rter|[ée]tiquettes|"
    r"mots[- ]cl[ée]s|etiquetas|palavras[- ]chave|trefwoorden|темы|теги|метки|タグ|标签|標籤)"
    r"\s*[:：]?",
    re.IGNORECASE,
)
TAGS_KEYS = (
    "tag", "tags", "tagged", "tagi", "schlagwörter", "stichwörter", "étiquettes", "etiquettes",
    "mots-clés", "mots", "etiquetas", "palavras-chave", "palavras", "trefwoorden", "темы",
    "теги", "метки", "タグ", "标签", "標籤",
)  # fmt: skip
# The keywords: 3+ items separated by commas, pipes or bullets, each of 1-6 words.
TAG_ITEMS_MIN = 3
TAG_ITEM_MAX_WORDS = 6
TAG_SPLIT = re.compile(r"\s*[,|•·;]\s*")
# A form field label next to such a notice: "Name *", "E-mail *", "Comentário *".
FIELD_LABEL = re.compile(r"^[^\W\d_][\w'’ -]{0,30}\s?\*$")
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
