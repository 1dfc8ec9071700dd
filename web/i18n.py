"""UI strings in English and French, and the choice of language for a request."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import Request

from affiche.programmes.calendar_words import MONTHS, WEEKDAYS

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"
LANG_COOKIE = "lang"

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "site": "Festival programme",
        "skip": "Skip to the programme",
        "programme": "Programme",
        "grid": "Grid",
        "calendars": "Calendars",
        "other_language": "Français",
        "filters": "Filter the programme",
        "day": "Day",
        "venue": "Venue",
        "kind": "Kind",
        "tag": "Audience",
        "search": "Search (title, artist, track, venue)",
        "festival": "Festival",
        "track": "Track",
        "any": "Any",
        "apply": "Show",
        "reset": "Clear filters",
        "nothing": "Nothing matches these filters.",
        "installations": "Installations (open all festival)",
        "open_today": "Installations open this day",
        "my_programme": "My programme",
        "changes": "Changes",
        "changes_intro": "What each published version of the programme changed: what moved, "
        "what was cancelled, what is new.",
        "changes_none_yet": "Nothing has been published yet.",
        "version": "Version",
        "published_on": "published",
        "first_version": "The first published programme: {count} occurrences.",
        "no_change": "No public change.",
        "new": "New",
        "latest_changes": "Version {number} changed the programme: {moved} rescheduled, "
        "{cancelled} cancelled, {new} new. See what changed.",
        "my_intro": (
            "Star items on any page with ☆: they are kept in this browser, no account needed."
        ),
        "my_empty": "Nothing starred yet.",
        "my_noscript": "Starring items needs JavaScript.",
        "my_overlap": "Overlaps:",
        "my_feed": "Subscribe to my starred items (iCal)",
        "my_download": "download the .ics",
        "star": "Add to my programme",
        "unstar": "Remove from my programme",
        "whole_day": "The whole day",
        "rescheduled": "Rescheduled",
        "previously": "previously",
        "cancelled": "Cancelled",
        "add_google": "Add to Google Calendar",
        "download_ics": "Download these dates (.ics)",
        "site_description": "The festival programme: every show, talk and installation by day.",
        "description_programme": "the programme day by day, with calendars to subscribe to.",
        "description_venue": "what happens here, day by day.",
        "description_artist": "performances, times and venues.",
        "now_next": "Now and next",
        "now": "Now",
        "next": "Next",
        "artists": "Artists",
        "occurrences": "Dates",
        "duration": "Duration",
        "minutes": "min",
        "subscribe": "Subscribe to this calendar",
        "download": "download",
        "calendar_app": "calendar app",
        "festival_feeds": "Festivals",
        "artist_feeds": "Artists",
        "pick_letter": "Pick the initial of the artist's name; each artist's page also links "
        "their calendar.",
        "venue_feeds": "Venues",
        "french": "in French",
        "english": "in English",
        "exports": "Exports",
        "printable": "Printable programme (PDF)",
        "no_feeds": "No calendar has been published yet.",
        "not_found": "Page not found",
        "not_found_text": "There is nothing here. The programme may have changed.",
        "back_home": "Back to the programme",
        "grid_of": "Venues by time",
        "capacity": "capacity",
        "outdoor": "outdoor",
        "city": "City",
        "time": "Time",
        "tz_note": "Times are local to the festival",
        "colon": ": ",
        "after_midnight": "after midnight",
        "grid_hint": "Scroll sideways for more venues. Times are local to the festival.",
        "nothing_now": "Nothing is on right now.",
        "all_over": "These festivals are over. Their programme stays below for reference.",
        "starts_on": "{name} starts on {day}.",
        "see_below": "The full programme is below.",
        "feeds_intro": (
            "Add a calendar to your phone or computer: "
            "it updates itself when the programme changes."
        ),
        "language_switch": "Language",
        "kind.installation": "installation",
        "kind.performance": "performance",
        "kind.concert": "concert",
        "kind.talk": "talk",
        "kind.screening": "screening",
        "kind.workshop": "workshop",
        "kind.stand": "stand",
        "kind.meeting": "meeting",
        "p.title": "Producer",
        "p.token": "Producer token",
        "p.login": "Log in",
        "p.logout": "Log out",
        "p.wrong_token": "That token is not the right one.",
        "p.specs": "Specs",
        "p.name": "Name",
        "p.format": "Format",
        "p.festivals": "Festivals",
        "p.updated": "Updated",
        "p.no_specs": "No spec stored yet.",
        "p.spec_refused": "The spec was refused, nothing was stored:",
        "p.spec_file": "Spec file (YAML or frab XML/JSON)",
        "p.spec_name": "Name in the store (default: the file name)",
        "p.upload": "Upload",
        "p.solves": "Solves",
        "p.time_limit": "Time limit (seconds)",
        "p.solve": "Solve all specs",
        "p.placed": "placed",
        "p.unplaced": "unplaced",
        "p.publish": "Publish",
        "p.publish_latest": "Publish the latest finished solve",
        "p.ch.first": "Nothing published yet: the first version",
        "p.ch.kept": "kept",
        "p.ch.moved": "moved",
        "p.ch.cancelled": "cancelled",
        "p.ch.new": "new",
        "p.ch.tell": "Artists to tell",
        "p.version": "Version",
        "p.timeline": "Timeline of the latest programme",
        "p.no_programme": "No programme yet: upload a spec and solve.",
        "p.pinned": "pinned",
        "p.placements": "Placements and pins",
        "p.pin": "Pin",
        "p.unpin": "Unpin",
        "p.done.spec": "Spec stored.",
        "p.done.solve": "Solve started.",
        "p.done.pin": "Pinned: the next solve keeps it there.",
        "p.done.unpin": "Unpinned.",
        "p.done.publish": "Published.",
        "p.done.notices": "Notices sent to every artist with an address.",
        "p.no_email": "no address in the spec",
        "p.with_email": "with an address",
        "p.n_artists": "artists",
        "p.message": "message (.eml, with the .ics)",
        "p.send_notices": "Send the notices",
        "p.no_smtp": "No SMTP server configured (AFFICHE_SMTP_HOST): download the messages, "
        "or run affiche notify DIR --smtp HOST.",
        "p.done.publishing": "Publishing: its progress shows below as it goes.",
        "p.publish_run": "Publish",
    },
    "fr": {
        "site": "Programme du festival",
        "skip": "Aller au programme",
        "programme": "Programme",
        "grid": "Grille",
        "calendars": "Calendriers",
        "other_language": "English",
        "filters": "Filtrer le programme",
        "day": "Jour",
        "venue": "Lieu",
        "kind": "Type",
        "tag": "Public",
        "search": "Rechercher (titre, artiste, thème, lieu)",
        "festival": "Festival",
        "track": "Thème",
        "any": "Tous",
        "apply": "Afficher",
        "reset": "Effacer les filtres",
        "nothing": "Rien ne correspond à ces filtres.",
        "installations": "Installations (pendant tout le festival)",
        "open_today": "Installations ouvertes ce jour",
        "my_programme": "Mon programme",
        "changes": "Modifications",
        "changes_intro": "Ce que chaque version publiée du programme a changé : ce qui est "
        "déplacé, ce qui est annulé, ce qui est nouveau.",
        "changes_none_yet": "Rien n'a encore été publié.",
        "version": "Version",
        "published_on": "publiée le",
        "first_version": "Le premier programme publié : {count} représentations.",
        "no_change": "Aucune modification publique.",
        "new": "Nouveau",
        "latest_changes": "La version {number} a modifié le programme : {moved} déplacement(s), "
        "{cancelled} annulation(s), {new} nouveauté(s). Voir les modifications.",
        "my_intro": (
            "Marquez des rendez-vous sur n’importe quelle page avec ☆ : ils restent dans ce"
            " navigateur, sans compte."
        ),
        "my_empty": "Rien de marqué pour l’instant.",
        "my_noscript": "Marquer des rendez-vous demande JavaScript.",
        "my_overlap": "Chevauche :",
        "my_feed": "S’abonner à mes rendez-vous (iCal)",
        "my_download": "télécharger le .ics",
        "star": "Ajouter à mon programme",
        "unstar": "Retirer de mon programme",
        "whole_day": "Toute la journée",
        "rescheduled": "Horaire modifié",
        "previously": "auparavant",
        "cancelled": "Annulé",
        "add_google": "Ajouter à Google Agenda",
        "download_ics": "Télécharger ces dates (.ics)",
        "site_description": (
            "Le programme du festival : spectacles, rencontres et installations, jour par jour."
        ),
        "description_programme": "le programme jour par jour, et des calendriers à suivre.",
        "description_venue": "ce qui s’y passe, jour par jour.",
        "description_artist": "représentations, horaires et lieux.",
        "now_next": "En ce moment et ensuite",
        "now": "En ce moment",
        "next": "Ensuite",
        "artists": "Artistes",
        "occurrences": "Dates",
        "duration": "Durée",
        "minutes": "min",
        "subscribe": "S’abonner à ce calendrier",
        "download": "télécharger",
        "calendar_app": "application d’agenda",
        "festival_feeds": "Festivals",
        "artist_feeds": "Artistes",
        "pick_letter": "Choisissez l'initiale du nom de l'artiste ; la page de chaque artiste "
        "donne aussi son calendrier.",
        "venue_feeds": "Lieux",
        "french": "en français",
        "english": "en anglais",
        "exports": "Exports",
        "printable": "Programme à imprimer (PDF)",
        "no_feeds": "Aucun calendrier n’a encore été publié.",
        "not_found": "Page introuvable",
        "not_found_text": "Il n’y a rien ici. Le programme a peut-être changé.",
        "back_home": "Retour au programme",
        "grid_of": "Lieux par horaire",
        "capacity": "jauge",
        "outdoor": "en plein air",
        "city": "Ville",
        "time": "Heure",
        "tz_note": "Horaires à l’heure locale du festival",
        "colon": "\u00a0: ",
        "after_midnight": "après minuit",
        "grid_hint": (
            "Faites défiler sur le côté pour voir les autres lieux. "
            "Horaires à l’heure locale du festival."
        ),
        "nothing_now": "Rien en ce moment.",
        "all_over": "Ces festivals sont terminés. Leur programme reste consultable ci-dessous.",
        "starts_on": "{name} commence le {day}.",
        "see_below": "Le programme complet est ci-dessous.",
        "feeds_intro": (
            "Ajoutez un calendrier à votre téléphone ou ordinateur\u00a0: "
            "il se met à jour quand le programme change."
        ),
        "language_switch": "Langue",
        "kind.installation": "installation",
        "kind.performance": "performance",
        "kind.concert": "concert",
        "kind.talk": "conférence",
        "kind.screening": "projection",
        "kind.workshop": "atelier",
        "kind.stand": "stand",
        "kind.meeting": "rencontre",
        "p.title": "Production",
        "p.token": "Jeton de production",
        "p.login": "Se connecter",
        "p.logout": "Se déconnecter",
        "p.wrong_token": "Ce jeton n’est pas le bon.",
        "p.specs": "Descriptions",
        "p.name": "Nom",
        "p.format": "Format",
        "p.festivals": "Festivals",
        "p.updated": "Mis à jour",
        "p.no_specs": "Aucune description enregistrée.",
        "p.spec_refused": "Description refusée, rien n’a été enregistré :",
        "p.spec_file": "Fichier (YAML ou frab XML/JSON)",
        "p.spec_name": "Nom (par défaut : celui du fichier)",
        "p.upload": "Envoyer",
        "p.solves": "Calculs",
        "p.time_limit": "Durée maximale (secondes)",
        "p.solve": "Calculer toutes les descriptions",
        "p.placed": "placés",
        "p.unplaced": "non placés",
        "p.publish": "Publier",
        "p.publish_latest": "Publier le dernier calcul terminé",
        "p.ch.first": "Rien de publié : ce sera la première version",
        "p.ch.kept": "inchangés",
        "p.ch.moved": "déplacés",
        "p.ch.cancelled": "annulés",
        "p.ch.new": "nouveaux",
        "p.ch.tell": "Artistes à prévenir",
        "p.version": "Version",
        "p.timeline": "Frise du dernier programme",
        "p.no_programme": "Pas encore de programme : envoyez une description et calculez.",
        "p.pinned": "épinglé",
        "p.placements": "Placements et épingles",
        "p.pin": "Épingler",
        "p.unpin": "Désépingler",
        "p.done.spec": "Description enregistrée.",
        "p.done.solve": "Calcul lancé.",
        "p.done.pin": "Épinglé : le prochain calcul le garde là.",
        "p.done.unpin": "Désépinglé.",
        "p.done.publish": "Publié.",
        "p.done.notices": "Messages envoyés à chaque artiste dont l'adresse est connue.",
        "p.no_email": "pas d'adresse dans la description",
        "p.with_email": "avec une adresse",
        "p.n_artists": "artistes",
        "p.message": "message (.eml, avec le .ics)",
        "p.send_notices": "Envoyer les messages",
        "p.no_smtp": "Aucun serveur SMTP configuré (AFFICHE_SMTP_HOST) : téléchargez les "
        "messages, ou lancez affiche notify DIR --smtp HOST.",
        "p.done.publishing": "Publication en cours : son avancement s’affiche ci-dessous.",
        "p.publish_run": "Publication",
    },
}

# Audience tags are the producer's own words; the common ones read in either language.
TAGS: dict[str, dict[str, str]] = {
    "en": {
        "famille": "family", "family": "family", "enfants": "children", "children": "children",
        "kids": "children", "jeune-public": "young audiences", "young": "young audiences",
        "ados": "teenagers", "teens": "teenagers", "seniors": "seniors",
        "professionnels": "professionals", "pro": "professionals",
        "professionals": "professionals", "etudiants": "students", "students": "students",
        "tout-public": "all ages", "all-ages": "all ages",
    },
    "fr": {
        "famille": "en famille", "family": "en famille", "enfants": "enfants",
        "children": "enfants", "kids": "enfants", "jeune-public": "jeune public",
        "young": "jeune public", "ados": "adolescents", "teens": "adolescents",
        "seniors": "seniors", "professionnels": "professionnels", "pro": "professionnels",
        "professionals": "professionnels", "etudiants": "étudiants", "students": "étudiants",
        "tout-public": "tout public", "all-ages": "tout public",
    },
}


def tag_label(lang: str, tag: str) -> str:
    """An audience tag as a reader of `lang` says it (unknown tags as written, `-` a space)."""
    table = TAGS.get(lang, TAGS[DEFAULT_LANGUAGE])
    return table.get(tag.casefold(), tag.replace("-", " "))


_DAYS = WEEKDAYS
_MONTHS = MONTHS


def translate(lang: str, key: str) -> str:
    table = STRINGS.get(lang, STRINGS[DEFAULT_LANGUAGE])
    return table.get(key) or STRINGS[DEFAULT_LANGUAGE].get(key, key)


def format_day(lang: str, day: date) -> str:
    """`Friday 15 June 2018` / `vendredi 15 juin 2018`."""
    weekday = _DAYS[lang][day.weekday()]
    return f"{weekday} {day.day} {_MONTHS[lang][day.month - 1]} {day.year}"


def format_time(lang: str, moment: datetime) -> str:
    """`21:05` / `21 h 05` (non-breaking spaces, so the time never splits over two lines)."""
    return moment.strftime("%H:%M") if lang == "en" else moment.strftime("%H\u00a0h\u00a0%M")


def format_range(lang: str, first: date, last: date) -> str:
    """`Thursday 14 – Sunday 17 June 2018`; the month and year are said once when shared."""
    if first == last:
        return format_day(lang, first)
    if first.year != last.year:
        return f"{format_day(lang, first)} – {format_day(lang, last)}"
    start = f"{_DAYS[lang][first.weekday()]} {first.day}"
    if first.month != last.month:
        start += f" {_MONTHS[lang][first.month - 1]}"
    return f"{start} – {format_day(lang, last)}"


def negotiate(accept_language: str | None) -> str:
    """The best of LANGUAGES for an Accept-Language header (q-values honoured)."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            choices.append((-quality, position, primary))
    return min(choices)[2] if choices else DEFAULT_LANGUAGE


def request_language(request: Request) -> str:
    """`?lang=` first, then the `lang` cookie, then Accept-Language."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return negotiate(request.headers.get("accept-language"))
