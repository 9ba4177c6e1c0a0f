"""The vocabulary of the article-type rules (summarizer/genre.py): genre labels, URL path
segments, newswire names, press-release furniture, commerce wording and opinion voice.

Every entry is a generic, widely used convention of news and PR publishing (section names,
wire datelines, the boilerplate every release ends with), in English and, where it costs one
word, German, French, Spanish, Portuguese and Italian. None is taken from a test page.
All patterns are linear (no nested quantifiers).
"""

from __future__ import annotations

import re

from .schemas import ArticleType

_OP = ArticleType.opinion
_AN = ArticleType.analysis
_PR = ArticleType.press_release
_PROMO = ArticleType.promotional

# A genre label as a newsroom prints it: a title prefix ("Opinion: ..."), a kicker line above
# or below the headline, a breadcrumb's last step, a title suffix ("... | Opinion").
# Left out on purpose: "Comment" (comment buttons), "Advertisement"/"Anzeige"/"Publicidad"
# (ad-slot labels on every news page), "Promoted" (recommendation widgets), "Perspective".
LABELS: dict[str, ArticleType] = {
    **dict.fromkeys(
        ["opinion", "opinions", "op-ed", "op-eds", "oped", "op ed", "commentary", "editorial",
         "editorials", "column", "columns", "columnist", "columnists", "guest column",
         "guest essay", "guest opinion", "viewpoint", "viewpoints", "point of view", "our view",
         "my view", "letters to the editor", "letter to the editor", "review", "film review",
         "book review", "album review", "theatre review", "theater review",
         # German, French, Spanish, Portuguese, Italian
         "meinung", "kommentar", "leitartikel", "kolumne", "gastbeitrag", "standpunkt",
         "rezension", "tribune", "éditorial", "édito", "chronique", "point de vue", "critique",
         "opinión", "columna", "tribuna", "punto de vista", "crítica", "opinião", "coluna",
         "artigo de opinião", "ponto de vista", "opinione", "opinioni", "editoriale",
         "commento", "punto di vista", "recensione"],
        _OP,
    ),
    **dict.fromkeys(
        ["analysis", "news analysis", "explainer", "explained", "analyse", "análisis",
         "análise", "analisi", "hintergrund", "décryptage", "fact check", "fact-check",
         "factcheck", "faktencheck"],
        _AN,
    ),
    **dict.fromkeys(
        ["press release", "press releases", "news release", "for immediate release",
         "pressemitteilung", "presseinformation", "communiqué de presse", "communiqué",
         "comunicado de prensa", "nota de prensa", "comunicado de imprensa",
         "nota à imprensa", "comunicato stampa"],
        _PR,
    ),
    **dict.fromkeys(
        ["sponsored", "sponsored content", "sponsored post", "sponsored article",
         "paid content", "paid post", "partner content", "brand content", "branded content",
         "advertorial", "publireportage", "contenu sponsorisé", "sponsorisé",
         "contenido patrocinado", "conteúdo patrocinado", "contenuto sponsorizzato",
         "publirreportaje", "publieditorial"],
        _PROMO,
    ),
}  # fmt: skip

# URL path segments that name a section of one genre ("/opinion/2019/...").
URL_SEGMENTS: dict[str, ArticleType] = {
    **dict.fromkeys(
        ["opinion", "opinions", "op-ed", "op-eds", "oped", "commentary", "editorial",
         "editorials", "column", "columns", "columnist", "columnists", "meinung", "kommentar",
         "kommentare", "kolumne", "kolumnen", "tribune", "tribunes", "chroniques", "opinion-s",
         "opiniones", "columna", "columnas", "tribuna", "opiniao", "opinioes", "coluna",
         "colunas", "colunistas", "opinione", "opinioni", "editoriale", "editoriali",
         "letters-to-the-editor"],
        _OP,
    ),
    **dict.fromkeys(
        ["analysis", "analyses", "news-analysis", "explainer", "explainers", "explained",
         "analise", "analisis", "analisi", "hintergrund", "fact-check", "fact-checks",
         "factcheck", "faktencheck"],
        _AN,
    ),
    **dict.fromkeys(
        ["press-release", "press-releases", "pressrelease", "pressreleases", "news-release",
         "news-releases", "pressemitteilung", "pressemitteilungen", "communiques",
         "communiques-de-presse", "comunicados", "comunicados-de-prensa", "comunicati-stampa"],
        _PR,
    ),
    **dict.fromkeys(
        ["sponsored", "sponsored-content", "advertorial", "advertorials", "partner-content",
         "paid-post", "paidpost", "brandvoice", "publireportage", "branded-content"],
        _PROMO,
    ),
}  # fmt: skip
BLOG_SEGMENTS = frozenset({"blog", "blogs", "weblog"})
BLOG_HOSTS = (".blogspot.", ".wordpress.com", ".tumblr.com", "medium.com", ".substack.com")
WIRE_HOSTS = ("prnewswire.", "businesswire.", "globenewswire.", "accesswire.", "prweb.",
              "einpresswire.", "newswire.ca", "marketwired.", "prlog.")  # fmt: skip
NEWSROOM_SEGMENTS = frozenset({"newsroom", "press-room", "pressroom", "media-centre",
                               "media-center", "sala-de-imprensa", "sala-de-prensa"})  # fmt: skip
HOME_WORDS = frozenset({"home", "homepage", "home page", "start", "startseite", "accueil",
                        "inicio", "início", "portada", "capa", "pagina iniziale"})  # fmt: skip

# Separators between a label and the rest of a title or kicker line.
LABEL_SEPARATOR = re.compile(r"\s*[:|•·]\s*|\s+[-–—/]\s+")
BREADCRUMB_SEPARATOR = re.compile(r"\s*[›»>/|]\s*")

# A release's dateline on a newswire: "NEW YORK, May 2, 2024 /PRNewswire/ --",
# "(BUSINESS WIRE)--", "(GLOBE NEWSWIRE) --".
WIRE_DATELINE = re.compile(
    r"[(/]\s*(?:PR\s?Newswire|Business\s?Wire|Globe\s?Newswire|Accesswire|PRWeb|Marketwired|"
    r"Newsfile|EIN\s?Presswire|CNW|PR\s?Log)\b",
    re.IGNORECASE,
)
IMMEDIATE_RELEASE = re.compile(
    r"\bfor immediate release\b|\bembargoed (?:until|for)\b|\bzur sofortigen veröffentlichung\b|"
    r"\bpour diffusion immédiate\b|\bpara (?:su )?(?:publicación|difusión) inmediata\b|"
    r"\bpara divulgação imediata\b|\bper (?:la )?(?:pubblicazione|diffusione) immediata\b",
    re.IGNORECASE,
)
# "About Norvale Robotics" (a heading line) followed by a company description.
ABOUT_HEADING = re.compile(
    r"^\s*(?:about|über|à propos d[e'’]|acerca de|sobre|informazioni su)\s+(\S.{1,60}?)\s*:?\s*$",
    re.IGNORECASE,
)
ABOUT_NOT_ORG = frozenset({"us", "me", "the author", "the authors", "this author", "the blog",
                           "this blog", "the site", "this site", "our site", "this website",
                           "the website", "our company", "uns", "nous", "nós", "nosotros",
                           "o blog", "o autor", "el autor", "the writer", "the editor",
                           "cookies", "this article", "this story", "the newsletter"})  # fmt: skip
ORG_DESCRIPTION = re.compile(
    r"\b(?:founded|headquartered|is a (?:leading|global|privately|publicly|world|premier)|"
    r"Inc\b|Ltd\b|LLC\b|GmbH\b|plc\b|S\.A\.|Corporation\b|NYSE|NASDAQ|Nasdaq|employs|"
    r"provider of|gegründet|Unternehmen|fundada|fundado|fondée|société|empresa|azienda)",
)
MEDIA_CONTACT = re.compile(
    r"^\s*(?:(?:media|press|investor|news media|public) (?:contacts?|enquiries|inquiries|"
    r"relations)|contacts? for (?:media|press|journalists)|pressekontakt|medienkontakt|"
    r"contact presse|contacts? médias?|contacto de prensa|contato (?:para|com) a? ?imprensa|"
    r"assessoria de imprensa|contatto stampa|ufficio stampa)\b",
    re.IGNORECASE,
)
CONTACT_DETAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\+?\d[\d ()./-]{7,}\d")
FORWARD_LOOKING = re.compile(
    r"\bforward[- ]looking statements?\b|\bsafe harbou?r statement\b|"
    r"\bzukunftsgerichtete aussagen\b|\bdéclarations prospectives\b|"
    r"\bdeclarações prospectivas\b|\bdeclaraciones prospectivas\b",
    re.IGNORECASE,
)
ANNOUNCES = re.compile(
    r"\btoday announced\b|\bannounced today\b|\bannounces today\b|"
    r"\b(?:is|are) (?:pleased|proud|excited|delighted|thrilled) to (?:announce|introduce|unveil)\b|"
    r"\bgibt heute bekannt\b|\bgab heute bekannt\b|\ba le plaisir d'annoncer\b|"
    r"\btem o prazer de anunciar\b|\bse complace en anunciar\b|\bè lieta di annunciare\b",
    re.IGNORECASE,
)
END_MARK = re.compile(r"^\s*(?:#\s?#\s?#|-30-|- ?ENDS? ?-|ENDS)\s*$")

# Explicit statements that a piece is paid for, or an opinion.
# "Sponsored by" opens the note: inside a sentence it is news ("a bill sponsored by Senator X").
SPONSORED_NOTE = re.compile(
    r"\b(?:this (?:article|post|content|story|page|shop) (?:is|was|has been) (?:sponsored|"
    r"paid for|produced in partnership|brought to you|compensated)|paid partnership|"
    r"sponsored post|has been compensated by)\b|#(?:ad|sponsored)\b|"
    r"^\W{0,3}(?:sponsored|paid for|presented) by\b",
    re.IGNORECASE,
)
# The disclosure of a shopping page: the site earns from the links to what it lists.
AFFILIATE_NOTE = re.compile(
    r"\b(?:may|might|could|will) (?:earn|receive|get) (?:a )?(?:small )?(?:commission|"
    r"compensation|fees?)\b|\baffiliate (?:links?|commissions?|advertising program)\b|"
    r"\bearn (?:a )?commission\b|\bprovisions-links\b|\blinks? de afiliad[oa]s?\b",
    re.IGNORECASE,
)
# A fact check's verdict or its name for itself.
FACT_CHECK = re.compile(
    r"\bwe rate (?:this|the|that|his|her|their|its) (?:claim|statement|post|figure)\b|"
    r"\bin this fact[- ]check\b|\bour (?:rating|verdict):",
    re.IGNORECASE,
)
OPINION_NOTE = re.compile(
    r"\b(?:the )?(?:views|opinions) expressed (?:here|in this (?:article|column|commentary|"
    r"piece|op-ed)|above)? ?(?:are|is) (?:solely |entirely )?(?:those of|the author|his own|"
    r"her own|their own)",
    re.IGNORECASE,
)
COLUMNIST = re.compile(
    r"\b(?:columnist|kolumnist(?:in)?|colunista|columnista|editorialista|chroniqueur|"
    r"chroniqueuse|opinion (?:writer|editor|contributor)|contributing columnist)\b",
    re.IGNORECASE,
)

# Commerce: the imperative wording of a sales page, and prices.
COMMERCE = re.compile(
    r"\b(?:buy|order|shop|book|get|grab) (?:it |yours |one |them |now |today )?(?:now|today|"
    r"here|online)\b|\badd to (?:cart|basket|bag)\b|\bfree (?:shipping|delivery|trial)\b|"
    r"\b\d{1,2} ?% off\b|\b(?:promo|discount|coupon|voucher) codes?\b|\buse code\b|"
    r"\blimited[- ]time (?:offer|deal|only)\b|\b(?:best|lowest) price\b|"
    r"\bmoney[- ]back guarantee\b|\bwhile (?:supplies|stocks) last\b|\border yours\b|"
    r"\bjetzt (?:kaufen|bestellen)\b|\bgratis versand\b|\bcompre (?:já|agora)\b|"
    r"\bfrete grátis\b|\bcompra (?:ya|ahora)\b|\benvío gratis\b|\blivraison gratuite\b|"
    r"\bachetez\b|\bspedizione gratuita\b|\bacquista ora\b",
    re.IGNORECASE,
)
PRICE = re.compile(r"[$€£¥]\s?\d|\b\d[\d.,]*\s?(?:€|EUR|USD|GBP|dollars|euros|reais)\b|R\$\s?\d")

# Opinion voice, read outside quotation marks and in sentences that attribute nothing.
QUOTED = re.compile(
    r"\"[^\"]{0,600}\"|“[^”]{0,600}”|„[^“”]{0,600}[“”]|«[^»]{0,600}»|‘[^’]{3,600}’|"
    r"(?<![\w'])'[^']{3,600}'(?![\w'])"
)
# A sentence that opens or closes with a quotation mark is someone's speech (or part of it).
SPEECH_EDGE = frozenset("\"'“”„«»‘’")
ATTRIBUTED = re.compile(
    r"\b(?:said|says|say|told|tells|according to|asked|added|wrote|writes|argued|argues|"
    r"stated|insisted|warned|explained|noted|claimed|claims|tweeted|posted|"
    r"sagte|sagt|erklärte|laut|disse|diz|afirmou|segundo|dijo|dice|según|afirmó|"
    r"a déclaré|selon|ha detto|secondo)\b",
    re.IGNORECASE,
)
STANCE = re.compile(
    r"\bI (?:think|believe|would argue|argue|contend|am convinced|suspect|doubt|fear|"
    r"would suggest|submit|disagree|agree)\b|\bI(?:'m|’m| am) (?:not )?(?:convinced|persuaded)\b|"
    r"\bin my (?:view|opinion|judge?ment)\b|\bto my mind\b|\bit seems to me\b|"
    r"\bmake no mistake\b|\blet(?:'s|’s| us) be (?:clear|honest|frank)\b|"
    r"\bwe (?:should|must|need to|ought to|cannot afford|can't afford|can’t afford)\b|"
    r"\bich (?:finde|glaube|denke|meine|bin überzeugt)\b|\bmeiner (?:meinung|ansicht) nach\b|"
    r"\bwir (?:müssen|sollten)\b|\bje (?:pense|crois|suis convaincue?)\b|\bà mon avis\b|"
    r"\bselon moi\b|\bnous devons\b|\b(?:creo|pienso|considero) que\b|\ben mi opinión\b|"
    r"\ba mi juicio\b|\bdebemos\b|\beu (?:acho|acredito|penso|considero)\b|"
    r"\bna minha (?:opinião|visão)\b|\bdevemos\b|\bprecisamos\b|\b(?:credo|penso|ritengo) che\b|"
    r"\bsecondo me\b|\ba mio (?:avviso|parere)\b|\bdobbiamo\b",
    re.IGNORECASE,
)
PRESCRIPTIVE = re.compile(r"\b(?:should|must|ought to|sollte|sollten|muss|müssen)\b", re.IGNORECASE)
# First person singular as a writer uses it: "I" before a verb-like word, my/me/myself.
FIRST_PERSON = re.compile(
    r"\bI(?:'m|’m|'ve|’ve|'d|’d|'ll|’ll)|\bI (?:am|was|have|had|do|did|don't|don’t|didn't|"
    r"didn’t|can|could|will|would|think|thought|believe|feel|felt|know|knew|want|wanted|"
    r"remember|love|hate|went|grew|spent|learned|learnt|tried|wonder|guess|find|found|"
    r"got|get|like|need|mean|say|see|saw|must|never|still|just|also|really)\b|"
    r"\b(?:my|My|me|myself)\b"
)
# "Anna:", "Prof. Carlos:", "Q:" at the start of a line: one turn of a transcript.
SPEAKER_TURN = re.compile(r"^\s*([A-ZÀ-Ý][\w.’'-]{0,20}(?: [A-ZÀ-Ý][\w.’'-]{0,20}){0,2}):\s+\S")
HOW_TO_TITLE = re.compile(r"^\s*(?:how to|como|cómo|wie man|comment)\s", re.IGNORECASE)
STEP_LINE = re.compile(r"^\s*(?:step \d{1,2}\b|passo \d{1,2}\b|paso \d{1,2}\b|schritt \d{1,2}\b)",
                       re.IGNORECASE)  # fmt: skip
