//! Every fixed phrase of the pages people open (the privacy centre, the
//! page behind an unsubscribe link) and of the sign-in e-mail, in
//! English, French and Ukrainian. Names from the policy come from the
//! policy (`Text::get`), the names of rights and channels from the
//! policy renderer's own phrases.
//!
//! Phrases are struct fields, so a language missing one does not compile.
//! `{name}` marks what the caller fills in; templates fill with the
//! `replace` filter, Rust with [`fill`].

use serde::Serialize;
use vow_policy::render::i18n::Language;

#[derive(Debug, Serialize)]
pub struct Phrases {
    pub languages: &'static str,
    pub privacy_centre: &'static str,
    pub centre_title: &'static str,
    pub centre_intro: &'static str,
    pub your_email: &'static str,
    pub send_link: &'static str,
    pub read_policy: &'static str,
    pub back_to_centre: &'static str,
    pub did_not_work: &'static str,

    pub check_email_title: &'static str,
    pub check_email_body: &'static str,
    pub check_email_spam: &'static str,
    pub not_an_email: &'static str,
    pub too_many_links: &'static str,
    pub too_many_from_here: &'static str,
    pub too_busy: &'static str,
    pub mail_failed: &'static str,
    pub mail_subject: &'static str,
    pub mail_body: &'static str,

    pub sign_in_title: &'static str,
    pub continue_as: &'static str,
    pub continue_button: &'static str,
    pub link_expired: &'static str,
    pub link_used: &'static str,
    pub link_unknown: &'static str,
    pub link_other_browser: &'static str,
    pub signed_out_title: &'static str,
    pub signed_out_body: &'static str,
    pub signed_out_everywhere_body: &'static str,

    pub your_privacy: &'static str,
    pub childs_privacy: &'static str,
    pub acting_for_child: &'static str,
    pub back_to_own_page: &'static str,
    pub signed_in_as: &'static str,
    pub sign_out: &'static str,
    pub sign_out_everywhere: &'static str,
    pub what_org_may_do: &'static str,
    pub uses_needing_agreement: &'static str,
    pub no_uses_needing_agreement: &'static str,
    pub child_uses_note: &'static str,
    pub messages_not_essential: &'static str,
    pub messages_by_kind: &'static str,
    pub col_kind: &'static str,
    pub kinds_note: &'static str,
    pub save_choices: &'static str,
    pub choices_saved: &'static str,

    pub cookies_title: &'static str,
    pub cookies_intro: &'static str,
    pub col_chosen: &'static str,
    pub col_allowed: &'static str,
    pub col_refused: &'static str,
    pub nothing: &'static str,
    pub cookies_change: &'static str,

    pub requests_title: &'static str,
    pub no_requests: &'static str,
    pub child_requests_title: &'static str,
    pub no_child_requests: &'static str,
    pub col_request: &'static str,
    pub col_received: &'static str,
    pub col_due: &'static str,
    pub col_status: &'static str,
    pub download: &'static str,
    pub ask_for: &'static str,
    pub where_you_live: &'static str,
    pub send_request: &'static str,
    pub right_access: &'static str,
    pub right_portability: &'static str,
    pub right_erasure: &'static str,
    pub right_restriction: &'static str,
    pub right_objection: &'static str,
    pub right_to_know: &'static str,
    pub right_shine_the_light: &'static str,
    pub right_rectification: &'static str,
    pub status_received: &'static str,
    pub status_in_progress: &'static str,
    pub status_waiting: &'static str,
    pub status_completed: &'static str,
    pub status_partially_completed: &'static str,
    pub status_denied: &'static str,
    pub status_withdrawn: &'static str,
    pub choose_a_right: &'static str,

    pub correct_title: &'static str,
    pub correct_intro: &'static str,
    pub correct_field: &'static str,
    pub correct_value: &'static str,
    pub correct_empty: &'static str,
    pub correct_send: &'static str,
    pub correct_unknown_field: &'static str,
    pub correct_no_value: &'static str,
    /// A field the policy declares immutable (AGENCY-13).
    pub correct_immutable: &'static str,
    /// Under the correction form: the fields it does not offer.
    pub correct_fixed: &'static str,

    pub children_title: &'static str,
    pub children_intro: &'static str,
    pub manage_child: &'static str,
    pub not_linked_guardian: &'static str,

    pub others_title: &'static str,
    pub agent_legend: &'static str,
    pub their_email: &'static str,
    pub where_they_live: &'static str,
    pub permission_label: &'static str,
    pub send_for_them: &'static str,
    pub agent_needs_email: &'static str,
    pub agent_needs_permission: &'static str,
    pub request_sent_title: &'static str,
    pub request_sent_body: &'static str,
    pub will_ask_to_confirm: &'static str,
    pub after_identity_check: &'static str,
    pub cannot_be_granted: &'static str,
    pub back: &'static str,

    pub form_out_of_date: &'static str,
    pub no_such_request: &'static str,
    pub not_ready: &'static str,
    pub unavailable: &'static str,

    pub policy_changes_title: &'static str,
    pub first_version: &'static str,
    pub from_version_to: &'static str,
    pub material: &'static str,
    pub op_added: &'static str,
    pub op_removed: &'static str,
    pub op_changed: &'static str,
    pub no_such_version: &'static str,
    pub version_unreadable: &'static str,

    pub unsubscribe: &'static str,
    pub unsubscribe_title: &'static str,
    pub unsubscribe_body: &'static str,
    pub stop_others: &'static str,
    pub stop_these_too: &'static str,
    pub turn_back_on: &'static str,
    pub unsubscribed_title: &'static str,
    pub unsubscribed_body: &'static str,
    pub nothing_changed_title: &'static str,
    pub nothing_changed_body: &'static str,
    pub link_not_recognised_title: &'static str,
    pub link_not_recognised_body: &'static str,
    pub done_title: &'static str,
    pub done_body: &'static str,
}

/// The phrases of `lang`.
pub fn phrases(lang: Language) -> &'static Phrases {
    match lang {
        Language::En => &EN,
        Language::Fr => &FR,
        Language::Uk => &UK,
    }
}

/// `phrase` with each `{name}` replaced by its value.
pub fn fill(phrase: &str, values: &[(&str, &str)]) -> String {
    let mut out = phrase.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

static EN: Phrases = Phrases {
    languages: "Language",
    privacy_centre: "Privacy centre",
    centre_title: "{org} — privacy centre",
    centre_intro: "See and change what {org} does with your data, and ask for a copy of it, its correction or its erasure.",
    your_email: "Your e-mail address",
    send_link: "Send me a sign-in link",
    read_policy: "Read the privacy policy",
    back_to_centre: "Back to the privacy centre",
    did_not_work: "That did not work",

    check_email_title: "Check your e-mail",
    check_email_body: "A sign-in link is on its way to {address}. It works once, for {minutes} minutes.",
    check_email_spam: "Nothing after a few minutes? Look in your spam folder, or ask again.",
    not_an_email: "That is not an e-mail address: it looks like name@example.org.",
    too_many_links: "Several sign-in links went to this address a moment ago: use the latest one, or ask again in a quarter of an hour.",
    too_many_from_here: "Many sign-in links were asked for from your network a moment ago. Please ask again in a quarter of an hour.",
    too_busy: "The privacy centre is sending too many sign-in e-mails just now. Please ask again in a quarter of an hour.",
    mail_failed: "The sign-in e-mail could not be sent just now. Please try again in a few minutes.",
    mail_subject: "Sign in to the privacy centre of {org}",
    mail_body: "Hello,\n\nTo sign in to the privacy centre of {org}, open this link within {minutes} minutes. It works once.\n\n    {url}\n\nIf you did not ask for it, ignore this e-mail: without the link nobody can sign in as you.\n\n-- \n{org}\n",

    sign_in_title: "Sign in",
    continue_as: "Continue as {address}.",
    continue_button: "Continue",
    link_expired: "This sign-in link has expired. Ask for a new one.",
    link_used: "This sign-in link was used already: each works once. Ask for a new one.",
    link_unknown: "This sign-in link is not recognised. It may have been cut short when it was copied: open it again from the e-mail, or ask for a new one.",
    link_other_browser: "This sign-in was not started from this page. Open the link from your e-mail again.",
    signed_out_title: "You are signed out",
    signed_out_body: "You are signed out in this browser.",
    signed_out_everywhere_body: "You are signed out in every browser.",

    your_privacy: "Your privacy",
    childs_privacy: "Your child's privacy",
    acting_for_child: "You act for {child} as their parent or guardian.",
    back_to_own_page: "Back to your own page",
    signed_in_as: "Signed in as {email}.",
    sign_out: "Sign out",
    sign_out_everywhere: "Sign out everywhere",
    what_org_may_do: "What {org} may do",
    uses_needing_agreement: "Uses that need your agreement",
    no_uses_needing_agreement: "Nothing here needs an agreement.",
    child_uses_note: "Only the uses the policy allows for a child of this age are shown.",
    messages_not_essential: "Messages that are not about the account or orders",
    messages_by_kind: "Each kind of message",
    col_kind: "Kind of message",
    kinds_note: "A channel turned off above stops every kind of message by it.",
    save_choices: "Save my choices",
    choices_saved: "Your choices are saved.",

    cookies_title: "Cookie choices in your browsers",
    cookies_intro: "What you chose in the cookie banner, in the browsers you signed in from.",
    col_chosen: "Chosen on",
    col_allowed: "Allowed",
    col_refused: "Refused",
    nothing: "nothing",
    cookies_change: "To change them, open the cookie settings on the site, in that browser.",

    requests_title: "Your requests",
    no_requests: "You have made no request.",
    child_requests_title: "Requests about your child",
    no_child_requests: "No request about your child yet.",
    col_request: "Request",
    col_received: "Received",
    col_due: "Due",
    col_status: "Where it stands",
    download: "Download",
    ask_for: "Ask for",
    where_you_live: "Where you live (country code: FR, GB, US-CA)",
    send_request: "Send my request",
    right_access: "A copy of my data",
    right_portability: "My data in a form I can take elsewhere",
    right_erasure: "Erase my data",
    right_restriction: "Limit how my data is used",
    right_objection: "Stop direct marketing",
    right_to_know: "What is collected, why and who receives it",
    right_shine_the_light: "Who received my data for their own direct marketing last year",
    right_rectification: "Correct my data",
    status_received: "received",
    status_in_progress: "in progress",
    status_waiting: "waiting",
    status_completed: "completed",
    status_partially_completed: "partly completed",
    status_denied: "refused",
    status_withdrawn: "withdrawn",
    choose_a_right: "Choose what you ask for.",

    correct_title: "Correct your data",
    correct_intro: "Tell {org} what is wrong, and the right value. The correction is made once your request is checked.",
    correct_field: "What is wrong",
    correct_value: "The right value",
    correct_empty: "leave it empty to have the field emptied",
    correct_send: "Ask for the correction",
    correct_unknown_field: "Choose one of the fields listed.",
    correct_no_value: "Give the right value.",
    correct_fixed: "These cannot be changed, as the privacy policy says: {fields}.",
    correct_immutable: "{field} cannot be changed: the privacy policy says it stays as it was first given. You can still ask for your other data to be corrected, or for this data to be erased.",

    children_title: "Your children",
    children_intro: "The organisation linked you to these people as their parent or guardian.",
    manage_child: "Manage the data of {child}",
    not_linked_guardian: "You are not linked as this person's parent or guardian. The organisation links you when it verifies that you are.",

    others_title: "For someone else",
    agent_legend: "Ask as someone's authorised agent",
    their_email: "Their e-mail address",
    where_they_live: "Where they live (country code)",
    permission_label: "I hold their signed permission to ask for them",
    send_for_them: "Send the request for them",
    agent_needs_email: "Give the person's e-mail address.",
    agent_needs_permission: "An agent asks only with the person's signed permission.",
    request_sent_title: "Request sent",
    request_sent_body: "Request {id} for {person}: {status}.",
    will_ask_to_confirm: "{org} will ask {person} to confirm it before anything is done.",
    after_identity_check: "It will be answered once the person's identity is checked.",
    cannot_be_granted: "It cannot be granted: {reason}.",
    back: "Back",

    form_out_of_date: "This form is out of date: open the page again.",
    no_such_request: "There is no such request of yours.",
    not_ready: "This request has no copy to download yet.",
    unavailable: "The privacy centre cannot reach its records just now. Please try again in a few minutes.",

    policy_changes_title: "What changed",
    first_version: "This is the first version.",
    from_version_to: "From version {old} to {new} (in force {date})",
    material: "Material:",
    op_added: "added",
    op_removed: "removed",
    op_changed: "changed",
    no_such_version: "There is no such version of the policy.",
    version_unreadable: "This version no longer reads.",

    unsubscribe: "Unsubscribe",
    unsubscribe_title: "Unsubscribe from “{purpose}”?",
    unsubscribe_body: "{org} will stop sending you these messages.",
    stop_others: "Stop other messages from {org} too",
    stop_these_too: "Stop these too",
    turn_back_on: "To turn messages back on, sign in to the privacy centre.",
    unsubscribed_title: "You are unsubscribed",
    unsubscribed_body: "{org} will not send you “{purpose}” again.",
    nothing_changed_title: "Nothing was changed",
    nothing_changed_body: "The request did not say List-Unsubscribe=One-Click.",
    link_not_recognised_title: "This link is not recognised",
    link_not_recognised_body: "It may have been cut short when it was copied. Open it again from the e-mail, or reply to the e-mail to unsubscribe.",
    done_title: "Done",
    done_body: "Those messages are stopped too. To turn any back on, sign in to the privacy centre.",
};

static FR: Phrases = Phrases {
    languages: "Langue",
    privacy_centre: "Espace confidentialité",
    centre_title: "{org} — espace confidentialité",
    centre_intro: "Voyez et changez ce que {org} fait de vos données, et demandez-en une copie, la rectification ou l'effacement.",
    your_email: "Votre adresse électronique",
    send_link: "Recevoir un lien de connexion",
    read_policy: "Lire la politique de confidentialité",
    back_to_centre: "Retour à l'espace confidentialité",
    did_not_work: "Cela n'a pas fonctionné",

    check_email_title: "Consultez vos courriels",
    check_email_body: "Un lien de connexion est en route vers {address}. Il sert une fois, pendant {minutes} minutes.",
    check_email_spam: "Rien après quelques minutes ? Regardez dans vos indésirables, ou demandez-en un autre.",
    not_an_email: "Ce n'est pas une adresse électronique : elle ressemble à nom@exemple.fr.",
    too_many_links: "Plusieurs liens de connexion sont partis vers cette adresse à l'instant : utilisez le dernier, ou redemandez-en un dans un quart d'heure.",
    too_many_from_here: "De nombreux liens de connexion ont été demandés depuis votre réseau à l'instant. Redemandez-en un dans un quart d'heure.",
    too_busy: "L'espace confidentialité envoie trop de courriels de connexion en ce moment. Redemandez un lien dans un quart d'heure.",
    mail_failed: "Le courriel de connexion n'a pas pu partir. Réessayez dans quelques minutes.",
    mail_subject: "Connexion à l'espace confidentialité de {org}",
    mail_body: "Bonjour,\n\nPour vous connecter à l'espace confidentialité de {org}, ouvrez ce lien dans les {minutes} minutes. Il ne sert qu'une fois.\n\n    {url}\n\nSi vous ne l'avez pas demandé, ignorez ce courriel : sans le lien, personne ne peut se connecter à votre place.\n\n-- \n{org}\n",

    sign_in_title: "Connexion",
    continue_as: "Continuer en tant que {address}.",
    continue_button: "Continuer",
    link_expired: "Ce lien de connexion a expiré. Demandez-en un nouveau.",
    link_used: "Ce lien de connexion a déjà servi : chacun ne sert qu'une fois. Demandez-en un nouveau.",
    link_unknown: "Ce lien de connexion n'est pas reconnu. Il a pu être tronqué en le copiant : rouvrez-le depuis le courriel, ou demandez-en un nouveau.",
    link_other_browser: "Cette connexion n'a pas commencé sur cette page. Rouvrez le lien depuis votre courriel.",
    signed_out_title: "Vous êtes déconnecté",
    signed_out_body: "Vous êtes déconnecté dans ce navigateur.",
    signed_out_everywhere_body: "Vous êtes déconnecté dans tous vos navigateurs.",

    your_privacy: "Vos données personnelles",
    childs_privacy: "Les données de votre enfant",
    acting_for_child: "Vous agissez pour {child} en tant que parent ou tuteur.",
    back_to_own_page: "Retour à votre page",
    signed_in_as: "Connecté en tant que {email}.",
    sign_out: "Se déconnecter",
    sign_out_everywhere: "Se déconnecter partout",
    what_org_may_do: "Ce que {org} peut faire",
    uses_needing_agreement: "Utilisations soumises à votre accord",
    no_uses_needing_agreement: "Rien ici ne demande d'accord.",
    child_uses_note: "Seules les utilisations que la politique permet pour un enfant de cet âge sont proposées.",
    messages_not_essential: "Messages qui ne concernent ni le compte ni les commandes",
    messages_by_kind: "Chaque type de message",
    col_kind: "Type de message",
    kinds_note: "Un canal désactivé ci-dessus arrête tous les types de messages par ce canal.",
    save_choices: "Enregistrer mes choix",
    choices_saved: "Vos choix sont enregistrés.",

    cookies_title: "Vos choix de cookies dans vos navigateurs",
    cookies_intro: "Ce que vous avez choisi dans le bandeau cookies, dans les navigateurs depuis lesquels vous vous êtes connecté.",
    col_chosen: "Choisi le",
    col_allowed: "Acceptés",
    col_refused: "Refusés",
    nothing: "rien",
    cookies_change: "Pour les changer, ouvrez les paramètres des cookies sur le site, dans ce navigateur.",

    requests_title: "Vos demandes",
    no_requests: "Vous n'avez fait aucune demande.",
    child_requests_title: "Demandes concernant votre enfant",
    no_child_requests: "Aucune demande concernant votre enfant pour l'instant.",
    col_request: "Demande",
    col_received: "Reçue le",
    col_due: "Réponse avant le",
    col_status: "Où elle en est",
    download: "Télécharger",
    ask_for: "Demander",
    where_you_live: "Où vous vivez (code pays : FR, GB, US-CA)",
    send_request: "Envoyer ma demande",
    right_access: "Une copie de mes données",
    right_portability: "Mes données dans un format réutilisable",
    right_erasure: "L'effacement de mes données",
    right_restriction: "La limitation de l'usage de mes données",
    right_objection: "L'arrêt de la prospection",
    right_to_know: "Ce qui est collecté, pourquoi et qui le reçoit",
    right_shine_the_light: "Qui a reçu mes données pour son propre marketing direct l'an dernier",
    right_rectification: "La rectification de mes données",
    status_received: "reçue",
    status_in_progress: "en cours",
    status_waiting: "en attente",
    status_completed: "traitée",
    status_partially_completed: "traitée en partie",
    status_denied: "refusée",
    status_withdrawn: "retirée",
    choose_a_right: "Choisissez ce que vous demandez.",

    correct_title: "Rectifier vos données",
    correct_intro: "Indiquez à {org} ce qui est inexact, et la bonne valeur. La rectification est faite une fois votre demande vérifiée.",
    correct_field: "Ce qui est inexact",
    correct_value: "La bonne valeur",
    correct_empty: "laissez vide pour faire vider le champ",
    correct_send: "Demander la rectification",
    correct_unknown_field: "Choisissez l'un des champs proposés.",
    correct_no_value: "Indiquez la bonne valeur.",
    correct_fixed: "Ne peuvent pas être modifiés, comme le prévoit la politique de confidentialité : {fields}.",
    correct_immutable: "{field} ne peut pas être modifié : la politique de confidentialité prévoit que cette donnée reste telle qu'elle a été donnée la première fois. Vous pouvez toujours demander la correction de vos autres données, ou l'effacement de celle-ci.",

    children_title: "Vos enfants",
    children_intro: "L'organisation vous a rattaché à ces personnes en tant que parent ou tuteur.",
    manage_child: "Gérer les données de {child}",
    not_linked_guardian: "Vous n'êtes pas rattaché à cette personne en tant que parent ou tuteur. L'organisation vous rattache après l'avoir vérifié.",

    others_title: "Pour quelqu'un d'autre",
    agent_legend: "Demander en tant que mandataire",
    their_email: "Son adresse électronique",
    where_they_live: "Où cette personne vit (code pays)",
    permission_label: "J'ai son autorisation écrite et signée pour demander à sa place",
    send_for_them: "Envoyer la demande pour cette personne",
    agent_needs_email: "Indiquez l'adresse électronique de la personne.",
    agent_needs_permission: "Un mandataire ne demande qu'avec l'autorisation signée de la personne.",
    request_sent_title: "Demande envoyée",
    request_sent_body: "Demande {id} pour {person} : {status}.",
    will_ask_to_confirm: "{org} demandera à {person} de la confirmer avant toute action.",
    after_identity_check: "Elle sera traitée une fois l'identité de la personne vérifiée.",
    cannot_be_granted: "Elle ne peut pas être accordée : {reason}.",
    back: "Retour",

    form_out_of_date: "Ce formulaire n'est plus valable : rouvrez la page.",
    no_such_request: "Vous n'avez pas de telle demande.",
    not_ready: "Cette demande n'a pas encore de copie à télécharger.",
    unavailable: "L'espace confidentialité ne peut pas joindre ses registres pour le moment. Réessayez dans quelques minutes.",

    policy_changes_title: "Ce qui a changé",
    first_version: "C'est la première version.",
    from_version_to: "De la version {old} à la version {new} (en vigueur le {date})",
    material: "Important :",
    op_added: "ajouté",
    op_removed: "retiré",
    op_changed: "modifié",
    no_such_version: "Cette version de la politique n'existe pas.",
    version_unreadable: "Cette version ne peut plus être lue.",

    unsubscribe: "Se désabonner",
    unsubscribe_title: "Vous désabonner de « {purpose} » ?",
    unsubscribe_body: "{org} cessera de vous envoyer ces messages.",
    stop_others: "Arrêter aussi d'autres messages de {org}",
    stop_these_too: "Arrêter aussi ceux-ci",
    turn_back_on: "Pour les recevoir à nouveau, connectez-vous à l'espace confidentialité.",
    unsubscribed_title: "Vous êtes désabonné",
    unsubscribed_body: "{org} ne vous enverra plus « {purpose} ».",
    nothing_changed_title: "Rien n'a changé",
    nothing_changed_body: "La demande ne disait pas List-Unsubscribe=One-Click.",
    link_not_recognised_title: "Ce lien n'est pas reconnu",
    link_not_recognised_body: "Il a pu être tronqué en le copiant. Rouvrez-le depuis le courriel, ou répondez au courriel pour vous désabonner.",
    done_title: "C'est fait",
    done_body: "Ces messages sont arrêtés aussi. Pour en recevoir à nouveau, connectez-vous à l'espace confidentialité.",
};

static UK: Phrases = Phrases {
    languages: "Мова",
    privacy_centre: "Центр конфіденційності",
    centre_title: "{org} — центр конфіденційності",
    centre_intro: "Дивіться й змінюйте, що {org} робить із вашими даними, і просіть їх копію, виправлення або видалення.",
    your_email: "Ваша адреса ел. пошти",
    send_link: "Надіслати посилання для входу",
    read_policy: "Прочитати політику конфіденційності",
    back_to_centre: "Назад до центру конфіденційності",
    did_not_work: "Не вдалося",

    check_email_title: "Перевірте пошту",
    check_email_body: "Посилання для входу вже надсилається на {address}. Воно спрацює один раз протягом {minutes} хвилин.",
    check_email_spam: "Нічого за кілька хвилин? Перегляньте теку «Спам» або попросіть нове.",
    not_an_email: "Це не адреса ел. пошти: вона має вигляд name@example.org.",
    too_many_links: "На цю адресу щойно надіслано кілька посилань для входу: скористайтеся останнім або попросіть знову за чверть години.",
    too_many_from_here: "З вашої мережі щойно попросили багато посилань для входу. Попросіть знову за чверть години.",
    too_busy: "Центр конфіденційності зараз надсилає забагато листів для входу. Попросіть посилання знову за чверть години.",
    mail_failed: "Лист для входу зараз не вдалося надіслати. Спробуйте ще раз за кілька хвилин.",
    mail_subject: "Вхід до центру конфіденційності {org}",
    mail_body: "Вітаємо!\n\nЩоб увійти до центру конфіденційності {org}, відкрийте це посилання протягом {minutes} хвилин. Воно спрацює один раз.\n\n    {url}\n\nЯкщо ви його не просили, не зважайте на цей лист: без посилання ніхто не увійде від вашого імені.\n\n-- \n{org}\n",

    sign_in_title: "Вхід",
    continue_as: "Продовжити як {address}.",
    continue_button: "Продовжити",
    link_expired: "Термін дії цього посилання минув. Попросіть нове.",
    link_used: "Цим посиланням уже скористалися: кожне спрацьовує один раз. Попросіть нове.",
    link_unknown: "Це посилання не розпізнано. Можливо, його обрізано під час копіювання: відкрийте його знову з листа або попросіть нове.",
    link_other_browser: "Цей вхід почато не з цієї сторінки. Відкрийте посилання з листа ще раз.",
    signed_out_title: "Ви вийшли",
    signed_out_body: "Ви вийшли в цьому браузері.",
    signed_out_everywhere_body: "Ви вийшли в усіх браузерах.",

    your_privacy: "Ваша конфіденційність",
    childs_privacy: "Конфіденційність вашої дитини",
    acting_for_child: "Ви дієте від імені {child} як батько, мати чи опікун.",
    back_to_own_page: "Назад до вашої сторінки",
    signed_in_as: "Ви увійшли як {email}.",
    sign_out: "Вийти",
    sign_out_everywhere: "Вийти всюди",
    what_org_may_do: "Що може робити {org}",
    uses_needing_agreement: "Використання, що потребують вашої згоди",
    no_uses_needing_agreement: "Тут ніщо не потребує згоди.",
    child_uses_note: "Показано лише використання, які політика дозволяє для дитини цього віку.",
    messages_not_essential: "Повідомлення, що не стосуються облікового запису чи замовлень",
    messages_by_kind: "Кожен вид повідомлень",
    col_kind: "Вид повідомлень",
    kinds_note: "Канал, вимкнений вище, припиняє всі види повідомлень цим каналом.",
    save_choices: "Зберегти мій вибір",
    choices_saved: "Ваш вибір збережено.",

    cookies_title: "Ваш вибір щодо cookie у ваших браузерах",
    cookies_intro: "Що ви обрали в банері cookie в браузерах, з яких входили.",
    col_chosen: "Обрано",
    col_allowed: "Дозволено",
    col_refused: "Відхилено",
    nothing: "нічого",
    cookies_change: "Щоб змінити вибір, відкрийте налаштування cookie на сайті в тому браузері.",

    requests_title: "Ваші запити",
    no_requests: "Ви не надсилали запитів.",
    child_requests_title: "Запити щодо вашої дитини",
    no_child_requests: "Запитів щодо вашої дитини ще немає.",
    col_request: "Запит",
    col_received: "Отримано",
    col_due: "Відповідь до",
    col_status: "Стан",
    download: "Завантажити",
    ask_for: "Попросити",
    where_you_live: "Де ви живете (код країни: FR, GB, UA)",
    send_request: "Надіслати запит",
    right_access: "Копію моїх даних",
    right_portability: "Мої дані у форматі для перенесення",
    right_erasure: "Видалити мої дані",
    right_restriction: "Обмежити використання моїх даних",
    right_objection: "Припинити прямий маркетинг",
    right_to_know: "Що збирають, навіщо і хто отримує",
    right_shine_the_light: "Хто отримав мої дані для власного прямого маркетингу торік",
    right_rectification: "Виправити мої дані",
    status_received: "отримано",
    status_in_progress: "виконується",
    status_waiting: "очікує",
    status_completed: "виконано",
    status_partially_completed: "виконано частково",
    status_denied: "відмовлено",
    status_withdrawn: "відкликано",
    choose_a_right: "Оберіть, що ви просите.",

    correct_title: "Виправити ваші дані",
    correct_intro: "Повідомте {org}, що неправильно, і правильне значення. Виправлення внесуть після перевірки запиту.",
    correct_field: "Що неправильно",
    correct_value: "Правильне значення",
    correct_empty: "залиште порожнім, щоб очистити поле",
    correct_send: "Попросити виправлення",
    correct_unknown_field: "Оберіть одне з наведених полів.",
    correct_no_value: "Вкажіть правильне значення.",
    correct_fixed: "Не можна змінити, як передбачає політика конфіденційності: {fields}.",
    correct_immutable: "{field} не можна змінити: політика конфіденційності передбачає, що ці дані лишаються такими, якими їх було надано вперше. Ви й далі можете попросити виправити інші ваші дані або стерти ці.",

    children_title: "Ваші діти",
    children_intro: "Організація пов'язала вас із цими особами як батька, матір чи опікуна.",
    manage_child: "Керувати даними {child}",
    not_linked_guardian: "Вас не пов'язано з цією особою як батька, матір чи опікуна. Організація пов'язує вас після перевірки.",

    others_title: "Для іншої особи",
    agent_legend: "Запит як уповноважений представник",
    their_email: "Адреса ел. пошти цієї особи",
    where_they_live: "Де ця особа живе (код країни)",
    permission_label: "Я маю її підписаний дозвіл на запит від її імені",
    send_for_them: "Надіслати запит за цю особу",
    agent_needs_email: "Вкажіть адресу ел. пошти цієї особи.",
    agent_needs_permission: "Представник надсилає запит лише з підписаним дозволом особи.",
    request_sent_title: "Запит надіслано",
    request_sent_body: "Запит {id} для {person}: {status}.",
    will_ask_to_confirm: "{org} попросить {person} підтвердити його, перш ніж щось робити.",
    after_identity_check: "На нього відповідять після перевірки особи.",
    cannot_be_granted: "Його не можна задовольнити: {reason}.",
    back: "Назад",

    form_out_of_date: "Ця форма застаріла: відкрийте сторінку знову.",
    no_such_request: "У вас немає такого запиту.",
    not_ready: "Для цього запиту ще немає копії для завантаження.",
    unavailable: "Центр конфіденційності зараз не може дістатися своїх записів. Спробуйте ще раз за кілька хвилин.",

    policy_changes_title: "Що змінилося",
    first_version: "Це перша версія.",
    from_version_to: "Від версії {old} до версії {new} (чинна з {date})",
    material: "Суттєво:",
    op_added: "додано",
    op_removed: "вилучено",
    op_changed: "змінено",
    no_such_version: "Такої версії політики немає.",
    version_unreadable: "Цю версію більше не вдається прочитати.",

    unsubscribe: "Відписатися",
    unsubscribe_title: "Відписатися від «{purpose}»?",
    unsubscribe_body: "{org} більше не надсилатиме вам ці повідомлення.",
    stop_others: "Припинити й інші повідомлення від {org}",
    stop_these_too: "Припинити й ці",
    turn_back_on: "Щоб знову їх отримувати, увійдіть до центру конфіденційності.",
    unsubscribed_title: "Ви відписалися",
    unsubscribed_body: "{org} більше не надсилатиме вам «{purpose}».",
    nothing_changed_title: "Нічого не змінено",
    nothing_changed_body: "Запит не містив List-Unsubscribe=One-Click.",
    link_not_recognised_title: "Це посилання не розпізнано",
    link_not_recognised_body: "Можливо, його обрізано під час копіювання. Відкрийте його знову з листа або дайте відповідь на лист, щоб відписатися.",
    done_title: "Готово",
    done_body: "Ці повідомлення теж припинено. Щоб знову отримувати будь-які з них, увійдіть до центру конфіденційності.",
};

#[cfg(test)]
mod tests {
    use super::*;

    /// What a caller fills in is in every language's phrase, and nothing
    /// else in braces is: a translation cannot drop or invent a value.
    #[test]
    fn every_language_fills_the_same_values() {
        fn names(phrase: &str) -> Vec<String> {
            let mut found: Vec<String> = phrase
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
                .collect();
            found.sort();
            found
        }
        let table = |p: &Phrases| -> Vec<(String, Vec<String>)> {
            let value = serde_json::to_value(p).unwrap();
            value
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), names(v.as_str().unwrap())))
                .collect()
        };
        let en = table(&EN);
        for other in [&FR, &UK] {
            assert_eq!(table(other), en);
        }
    }

    /// Every phrase is shown somewhere: in a template, or by the code.
    #[test]
    fn every_phrase_is_used() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources = String::new();
        for dir in [
            "templates",
            "templates/centre",
            "templates/unsubscribe",
            "src",
            "src/centre",
        ] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() && !path.ends_with("phrases.rs") {
                    sources.push_str(&std::fs::read_to_string(path).unwrap());
                }
            }
        }
        let value = serde_json::to_value(&EN).unwrap();
        let unused: Vec<&String> = value
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| {
                !sources.contains(&format!("t.{k}")) && !sources.contains(&format!("t().{k}"))
            })
            .collect();
        assert!(unused.is_empty(), "phrases nothing shows: {unused:?}");
    }
}
