//! Every fixed phrase of the rendered policy, in English, French and
//! Ukrainian. Free text from the policy itself comes from `Text::get`.
//!
//! Phrases are struct fields, so a language missing one does not compile;
//! names of enum values are `match`es, so a new variant does not either.

use crate::duration::{Duration, Unit};
use crate::model::*;

/// A language the renderer speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    En,
    Fr,
    Uk,
}

impl Language {
    pub const ALL: &'static [(&'static str, Language)] = &[
        ("en", Language::En),
        ("fr", Language::Fr),
        ("uk", Language::Uk),
    ];

    pub fn parse(tag: &str) -> Option<Language> {
        let primary = tag.split('-').next().unwrap_or(tag);
        Self::ALL
            .iter()
            .find(|(t, _)| *t == primary)
            .map(|(_, l)| *l)
    }

    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
            Language::Uk => "uk",
        }
    }

    pub fn phrases(self) -> &'static Phrases {
        match self {
            Language::En => &EN,
            Language::Fr => &FR,
            Language::Uk => &UK,
        }
    }

    /// Picks the phrase for this language.
    pub fn pick(self, en: &'static str, fr: &'static str, uk: &'static str) -> &'static str {
        match self {
            Language::En => en,
            Language::Fr => fr,
            Language::Uk => uk,
        }
    }
}

/// Headings and sentences.
pub struct Phrases {
    pub contents: &'static str,
    pub effective: &'static str,
    pub last_updated: &'static str,
    pub version: &'static str,
    pub who_we_are: &'static str,
    pub controller_intro: &'static str,
    pub controllers_intro: &'static str,
    pub independently_owned: &'static str,
    pub dpo: &'static str,
    pub scope: &'static str,
    pub precedence_other: &'static str,
    pub precedence_this: &'static str,
    pub what_we_collect: &'static str,
    pub collect_intro: &'static str,
    pub col_data: &'static str,
    pub col_source: &'static str,
    pub col_notes: &'static str,
    pub how_we_use: &'static str,
    pub use_intro: &'static str,
    pub lawful_basis: &'static str,
    pub elsewhere: &'static str,
    pub everywhere: &'static str,
    pub consent: &'static str,
    pub data_used: &'static str,
    pub withdraw: &'static str,
    pub communications: &'static str,
    pub communications_intro: &'static str,
    pub col_message: &'static str,
    pub col_channels: &'static str,
    pub col_can_opt_out: &'static str,
    pub yes: &'static str,
    pub no_essential: &'static str,
    pub sharing: &'static str,
    pub sharing_intro: &'static str,
    pub col_recipient: &'static str,
    pub col_kind: &'static str,
    pub col_receives: &'static str,
    pub col_where: &'static str,
    pub may_not_retain: &'static str,
    pub for_purpose: &'static str,
    pub transfers: &'static str,
    pub transfers_intro: &'static str,
    pub col_destination: &'static str,
    pub col_safeguard: &'static str,
    pub cookies: &'static str,
    pub cookies_intro: &'static str,
    pub cookies_essential_note: &'static str,
    pub cookies_choice_note: &'static str,
    pub cross_site_note: &'static str,
    pub col_name: &'static str,
    pub col_provider: &'static str,
    pub col_party: &'static str,
    pub col_purpose: &'static str,
    pub col_duration: &'static str,
    pub col_type: &'static str,
    pub pattern_note: &'static str,
    pub retention: &'static str,
    pub retention_intro: &'static str,
    pub col_kept: &'static str,
    pub col_exceptions: &'static str,
    pub rights: &'static str,
    pub rights_intro: &'static str,
    pub rights_everywhere: &'static str,
    pub rights_in: &'static str,
    pub col_right: &'static str,
    pub col_deadline: &'static str,
    pub col_how: &'static str,
    pub extension_by: &'static str,
    pub at_most: &'static str,
    pub per_calendar_year: &'static str,
    pub per_rolling: &'static str,
    pub verification: &'static str,
    pub agents_allowed: &'static str,
    pub agents_confirm: &'static str,
    pub subject_line: &'static str,
    pub only_address: &'static str,
    pub children: &'static str,
    pub children_admitted: &'static str,
    pub children_not_admitted: &'static str,
    pub parental_verified: &'static str,
    pub parental_unverified: &'static str,
    pub no_direct_contact: &'static str,
    pub signals: &'static str,
    pub dnt: &'static str,
    pub gpc: &'static str,
    pub sale: &'static str,
    pub legal_requests: &'static str,
    pub notify_within: &'static str,
    pub unless_prohibited: &'static str,
    pub protective_order: &'static str,
    pub object_improper: &'static str,
    pub referred_to: &'static str,
    pub security: &'static str,
    pub in_transit: &'static str,
    pub at_rest: &'static str,
    pub role_based: &'static str,
    pub breach: &'static str,
    pub breach_intro: &'static str,
    pub notify_authority_within: &'static str,
    pub notify_subjects_within: &'static str,
    pub business_transfer: &'static str,
    pub notice_before_transfer: &'static str,
    pub successor_bound: &'static str,
    pub changes: &'static str,
    pub changes_advance: &'static str,
    pub changes_immediate: &'static str,
    pub changes_channels: &'static str,
    pub renew_acceptance: &'static str,
    pub contact_us: &'static str,
    pub contact_intro: &'static str,
    pub never_stored: &'static str,
    pub sensitive: &'static str,
    pub secret: &'static str,
    pub immutable: &'static str,
    pub encrypted: &'static str,
    pub children_ok: &'static str,
    pub aggregate_only: &'static str,
    pub truncate_ip: &'static str,
    pub k_anonymity: &'static str,
    pub unsubscribe_link: &'static str,
    pub soft_opt_in: &'static str,
    pub explicit: &'static str,
    pub consent_lifetime: &'static str,
    pub exceptions_kept: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub address: &'static str,
    pub website: &'static str,
}

pub static EN: Phrases = Phrases {
    contents: "Contents",
    effective: "Effective",
    last_updated: "Last updated",
    version: "Version",
    who_we_are: "Who we are",
    controller_intro: "is responsible for the personal data described in this policy.",
    controllers_intro: "The following entities decide how personal data is used:",
    independently_owned: "independently owned and operated",
    dpo: "Data protection officer",
    scope: "What this policy covers",
    precedence_other: "Where it conflicts with this policy, the following document prevails",
    precedence_this: "Where it conflicts with this policy, this policy prevails over",
    what_we_collect: "Information we collect",
    collect_intro: "We collect the following categories of personal data.",
    col_data: "Data",
    col_source: "Source",
    col_notes: "Notes",
    how_we_use: "How we use your information",
    use_intro: "We use personal data only for the purposes below, each on the lawful basis stated.",
    lawful_basis: "Lawful basis",
    elsewhere: "elsewhere",
    everywhere: "everywhere",
    consent: "Your choice",
    data_used: "Data used",
    withdraw: "How to withdraw",
    communications: "Messages we send",
    communications_intro: "These are the kinds of message we may send you. Essential messages cannot be switched off while your account is open.",
    col_message: "Message",
    col_channels: "Channels",
    col_can_opt_out: "Can you opt out?",
    yes: "Yes",
    no_essential: "No (essential)",
    sharing: "Who we share information with",
    sharing_intro: "We disclose personal data only to the recipients below, and only the categories each needs for the purpose stated.",
    col_recipient: "Recipient",
    col_kind: "Role",
    col_receives: "What it receives, and why",
    col_where: "Where",
    may_not_retain: "may not keep the data or use it for its own purposes",
    for_purpose: "for",
    transfers: "International transfers",
    transfers_intro: "Some recipients process personal data outside the country where it was collected, under the safeguards below.",
    col_destination: "Destination",
    col_safeguard: "Safeguard",
    cookies: "Cookies and similar technologies",
    cookies_intro: "We and our partners use cookies, pixels, web beacons and local storage. The table lists each of them.",
    cookies_essential_note: "Essential cookies are strictly necessary for the site to work; they cannot be switched off.",
    cookies_choice_note: "Other cookies are set according to the choices you make in our cookie banner, which you can change at any time.",
    cross_site_note: "Some third-party trackers follow your activity across other web sites over time.",
    col_name: "Name",
    col_provider: "Provider",
    col_party: "Party",
    col_purpose: "Purpose",
    col_duration: "Duration",
    col_type: "Technology",
    pattern_note: "A name ending in * stands for every cookie whose name starts that way.",
    retention: "How long we keep information",
    retention_intro: "We keep personal data no longer than the periods below.",
    col_kept: "Kept",
    col_exceptions: "Kept longer when",
    rights: "Your rights",
    rights_intro: "You can exercise the following rights. We answer within the time stated.",
    rights_everywhere: "Wherever you live",
    rights_in: "If you live in",
    col_right: "Right",
    col_deadline: "Answer within",
    col_how: "How to ask",
    extension_by: "extendable by",
    at_most: "at most",
    per_calendar_year: "per calendar year",
    per_rolling: "in any",
    verification: "We verify your identity by",
    agents_allowed: "An authorised agent may make a request on your behalf",
    agents_confirm: "you will be asked to confirm it",
    subject_line: "subject line",
    only_address: "requests sent elsewhere may not be answered",
    children: "Children",
    children_admitted: "Children under {age} may use our services only with the consent of a parent or guardian.",
    children_not_admitted: "Our services are not intended for children under {age}.",
    parental_verified: "We verify that consent before collecting any personal data from a child.",
    parental_unverified: "We do not verify that consent.",
    no_direct_contact: "We do not contact children directly.",
    signals: "Browser signals",
    dnt: "Do Not Track",
    gpc: "Global Privacy Control",
    sale: "Sale of personal information",
    legal_requests: "Requests from authorities",
    notify_within: "We notify you within {time} of receiving a request for your data.",
    unless_prohibited: "unless the law or a court order forbids it",
    protective_order: "You will have the opportunity to seek a protective order.",
    object_improper: "We object to requests we believe were not properly issued.",
    referred_to: "referred to",
    security: "Security",
    in_transit: "Personal data is encrypted in transit.",
    at_rest: "Personal data is encrypted at rest.",
    role_based: "Access to personal data is limited by role to the staff who need it.",
    breach: "Personal data breaches",
    breach_intro: "If a breach affects your personal data, we will:",
    notify_authority_within: "notify the supervisory authority within",
    notify_subjects_within: "notify the people affected within",
    business_transfer: "Mergers and sales",
    notice_before_transfer: "We will notify you before your personal data is transferred and becomes subject to a different privacy policy.",
    successor_bound: "A successor may use your personal data only as this policy describes.",
    changes: "Changes to this policy",
    changes_advance: "We will announce any material change at least {period} before it takes effect.",
    changes_immediate: "Changes take effect when they are posted.",
    changes_channels: "We announce material changes by",
    renew_acceptance: "After a material change we will ask you to accept the policy again.",
    contact_us: "Contact us",
    contact_intro: "For any question about this policy or your personal data, contact us:",
    never_stored: "never stored by us",
    sensitive: "sensitive data",
    secret: "never disclosed",
    immutable: "cannot be changed",
    encrypted: "encrypted at rest",
    children_ok: "may be collected about children",
    aggregate_only: "Used only in aggregate, never to single out a person.",
    truncate_ip: "IP addresses are truncated before use",
    k_anonymity: "Only groups of at least {k} people are reported.",
    unsubscribe_link: "Every message includes a one-click unsubscribe link.",
    soft_opt_in: "If you bought from us, we may write to you about similar products until you opt out",
    explicit: "We ask for your explicit consent.",
    consent_lifetime: "Your choice is kept for",
    exceptions_kept: "Data kept despite the request",
    email: "E-mail",
    phone: "Phone",
    address: "Address",
    website: "Web site",
};

pub static FR: Phrases = Phrases {
    contents: "Sommaire",
    effective: "En vigueur le",
    last_updated: "Dernière mise à jour",
    version: "Version",
    who_we_are: "Qui sommes-nous",
    controller_intro: "est responsable des données personnelles décrites dans la présente politique.",
    controllers_intro: "Les entités suivantes déterminent l'usage des données personnelles :",
    independently_owned: "détenu et exploité de manière indépendante",
    dpo: "Délégué à la protection des données",
    scope: "Champ d'application",
    precedence_other: "En cas de contradiction avec la présente politique, le document suivant prévaut",
    precedence_this: "En cas de contradiction, la présente politique prévaut sur",
    what_we_collect: "Données que nous collectons",
    collect_intro: "Nous collectons les catégories de données personnelles suivantes.",
    col_data: "Données",
    col_source: "Source",
    col_notes: "Remarques",
    how_we_use: "Utilisation de vos données",
    use_intro: "Nous utilisons les données personnelles uniquement pour les finalités ci-dessous, chacune sur la base légale indiquée.",
    lawful_basis: "Base légale",
    elsewhere: "ailleurs",
    everywhere: "partout",
    consent: "Votre choix",
    data_used: "Données utilisées",
    withdraw: "Comment retirer votre consentement",
    communications: "Messages que nous envoyons",
    communications_intro: "Voici les types de messages que nous pouvons vous envoyer. Les messages essentiels ne peuvent pas être désactivés tant que votre compte est ouvert.",
    col_message: "Message",
    col_channels: "Canaux",
    col_can_opt_out: "Pouvez-vous vous désinscrire ?",
    yes: "Oui",
    no_essential: "Non (essentiel)",
    sharing: "Destinataires des données",
    sharing_intro: "Nous ne communiquons des données personnelles qu'aux destinataires ci-dessous, et uniquement les catégories nécessaires à la finalité indiquée.",
    col_recipient: "Destinataire",
    col_kind: "Rôle",
    col_receives: "Ce qu'il reçoit, et pourquoi",
    col_where: "Lieu",
    may_not_retain: "ne peut ni conserver les données ni les utiliser pour son propre compte",
    for_purpose: "pour",
    transfers: "Transferts internationaux",
    transfers_intro: "Certains destinataires traitent des données personnelles hors du pays où elles ont été collectées, avec les garanties ci-dessous.",
    col_destination: "Destination",
    col_safeguard: "Garantie",
    cookies: "Cookies et technologies similaires",
    cookies_intro: "Nous et nos partenaires utilisons des cookies, des pixels, des balises web et le stockage local. Le tableau les présente un par un.",
    cookies_essential_note: "Les cookies essentiels sont strictement nécessaires au fonctionnement du site ; ils ne peuvent pas être désactivés.",
    cookies_choice_note: "Les autres cookies sont déposés selon vos choix dans notre bandeau cookies, que vous pouvez modifier à tout moment.",
    cross_site_note: "Certains traceurs tiers suivent votre activité sur d'autres sites au fil du temps.",
    col_name: "Nom",
    col_provider: "Fournisseur",
    col_party: "Partie",
    col_purpose: "Finalité",
    col_duration: "Durée",
    col_type: "Technologie",
    pattern_note: "Un nom terminé par * désigne tous les cookies dont le nom commence ainsi.",
    retention: "Durée de conservation",
    retention_intro: "Nous conservons les données personnelles au plus pendant les durées ci-dessous.",
    col_kept: "Conservées",
    col_exceptions: "Conservées plus longtemps si",
    rights: "Vos droits",
    rights_intro: "Vous pouvez exercer les droits suivants. Nous répondons dans le délai indiqué.",
    rights_everywhere: "Où que vous résidiez",
    rights_in: "Si vous résidez dans l’un des territoires suivants :",
    col_right: "Droit",
    col_deadline: "Délai de réponse",
    col_how: "Comment faire la demande",
    extension_by: "prolongeable de",
    at_most: "au plus",
    per_calendar_year: "par année civile",
    per_rolling: "sur toute période de",
    verification: "Nous vérifions votre identité par",
    agents_allowed: "Un mandataire autorisé peut présenter une demande en votre nom",
    agents_confirm: "il vous sera demandé de la confirmer",
    subject_line: "objet",
    only_address: "les demandes envoyées ailleurs peuvent rester sans réponse",
    children: "Enfants",
    children_admitted: "Les enfants de moins de {age} ans ne peuvent utiliser nos services qu'avec le consentement d'un parent ou d'un tuteur.",
    children_not_admitted: "Nos services ne s'adressent pas aux enfants de moins de {age} ans.",
    parental_verified: "Nous vérifions ce consentement avant de collecter toute donnée personnelle d'un enfant.",
    parental_unverified: "Nous ne vérifions pas ce consentement.",
    no_direct_contact: "Nous ne contactons pas directement les enfants.",
    signals: "Signaux du navigateur",
    dnt: "Do Not Track",
    gpc: "Global Privacy Control",
    sale: "Vente de données personnelles",
    legal_requests: "Demandes des autorités",
    notify_within: "Nous vous informons dans un délai de {time} après réception d'une demande portant sur vos données.",
    unless_prohibited: "sauf si la loi ou une décision de justice l'interdit",
    protective_order: "Vous aurez la possibilité de demander une mesure de protection.",
    object_improper: "Nous contestons les demandes qui ne nous paraissent pas régulières.",
    referred_to: "renvoyées vers",
    security: "Sécurité",
    in_transit: "Les données personnelles sont chiffrées pendant leur transmission.",
    at_rest: "Les données personnelles sont chiffrées au repos.",
    role_based: "L'accès aux données personnelles est limité, selon leur rôle, aux personnes qui en ont besoin.",
    breach: "Violations de données",
    breach_intro: "Si une violation touche vos données personnelles, nous allons :",
    notify_authority_within: "notifier l'autorité de contrôle dans un délai de",
    notify_subjects_within: "informer les personnes concernées dans un délai de",
    business_transfer: "Fusions et cessions",
    notice_before_transfer: "Nous vous informerons avant que vos données personnelles ne soient transférées et soumises à une autre politique de confidentialité.",
    successor_bound: "Un successeur ne pourra utiliser vos données que conformément à la présente politique.",
    changes: "Modifications de la présente politique",
    changes_advance: "Nous annoncerons toute modification substantielle au moins {period} avant son entrée en vigueur.",
    changes_immediate: "Les modifications prennent effet dès leur publication.",
    changes_channels: "Nous annonçons les modifications substantielles par",
    renew_acceptance: "Après une modification substantielle, nous vous demanderons d'accepter à nouveau la politique.",
    contact_us: "Nous contacter",
    contact_intro: "Pour toute question sur la présente politique ou sur vos données personnelles, contactez-nous :",
    never_stored: "jamais conservées par nous",
    sensitive: "données sensibles",
    secret: "jamais communiquées",
    immutable: "non modifiables",
    encrypted: "chiffrées au repos",
    children_ok: "peuvent être collectées pour les enfants",
    aggregate_only: "Utilisées uniquement sous forme agrégée, jamais pour isoler une personne.",
    truncate_ip: "Les adresses IP sont tronquées avant utilisation",
    k_anonymity: "Seuls des groupes d'au moins {k} personnes sont communiqués.",
    unsubscribe_link: "Chaque message comporte un lien de désinscription en un clic.",
    soft_opt_in: "Si vous nous avez acheté un produit, nous pouvons vous écrire au sujet de produits similaires jusqu'à ce que vous vous y opposiez",
    explicit: "Nous demandons votre consentement explicite.",
    consent_lifetime: "Votre choix est conservé pendant",
    exceptions_kept: "Données conservées malgré la demande",
    email: "Courriel",
    phone: "Téléphone",
    address: "Adresse",
    website: "Site web",
};

pub static UK: Phrases = Phrases {
    contents: "Зміст",
    effective: "Набуває чинності",
    last_updated: "Останнє оновлення",
    version: "Версія",
    who_we_are: "Хто ми",
    controller_intro: "відповідає за персональні дані, описані в цій політиці.",
    controllers_intro: "Про використання персональних даних вирішують такі особи:",
    independently_owned: "незалежний власник і оператор",
    dpo: "Відповідальний за захист даних",
    scope: "Сфера дії політики",
    precedence_other: "У разі суперечності з цією політикою переважає такий документ",
    precedence_this: "У разі суперечності ця політика переважає над",
    what_we_collect: "Які дані ми збираємо",
    collect_intro: "Ми збираємо такі категорії персональних даних.",
    col_data: "Дані",
    col_source: "Джерело",
    col_notes: "Примітки",
    how_we_use: "Як ми використовуємо ваші дані",
    use_intro: "Ми використовуємо персональні дані лише для наведених нижче цілей, кожну — на зазначеній правовій підставі.",
    lawful_basis: "Правова підстава",
    elsewhere: "в інших країнах",
    everywhere: "скрізь",
    consent: "Ваш вибір",
    data_used: "Які дані використовуються",
    withdraw: "Як відкликати згоду",
    communications: "Повідомлення, які ми надсилаємо",
    communications_intro: "Це види повідомлень, які ми можемо вам надсилати. Від основних повідомлень неможливо відмовитися, доки ваш обліковий запис відкритий.",
    col_message: "Повідомлення",
    col_channels: "Канали",
    col_can_opt_out: "Чи можна відмовитися?",
    yes: "Так",
    no_essential: "Ні (обов'язкові)",
    sharing: "Кому ми передаємо дані",
    sharing_intro: "Ми розкриваємо персональні дані лише наведеним нижче одержувачам і лише ті категорії, які потрібні для зазначеної мети.",
    col_recipient: "Одержувач",
    col_kind: "Роль",
    col_receives: "Що отримує і навіщо",
    col_where: "Де",
    may_not_retain: "не може зберігати дані чи використовувати їх для власних цілей",
    for_purpose: "для",
    transfers: "Міжнародна передача даних",
    transfers_intro: "Деякі одержувачі обробляють персональні дані за межами країни, де їх було зібрано, із такими гарантіями.",
    col_destination: "Країна призначення",
    col_safeguard: "Гарантія",
    cookies: "Файли cookie та подібні технології",
    cookies_intro: "Ми та наші партнери використовуємо файли cookie, пікселі, веб-маяки та локальне сховище. У таблиці наведено кожен із них.",
    cookies_essential_note: "Основні файли cookie суворо необхідні для роботи сайту; їх неможливо вимкнути.",
    cookies_choice_note: "Інші файли cookie встановлюються відповідно до вашого вибору в банері cookie, який ви можете змінити будь-коли.",
    cross_site_note: "Деякі сторонні трекери з часом відстежують вашу активність на інших сайтах.",
    col_name: "Назва",
    col_provider: "Постачальник",
    col_party: "Сторона",
    col_purpose: "Мета",
    col_duration: "Тривалість",
    col_type: "Технологія",
    pattern_note: "Назва із * в кінці означає всі файли cookie, назва яких так починається.",
    retention: "Як довго ми зберігаємо дані",
    retention_intro: "Ми зберігаємо персональні дані не довше за наведені нижче строки.",
    col_kept: "Строк зберігання",
    col_exceptions: "Зберігаються довше, якщо",
    rights: "Ваші права",
    rights_intro: "Ви можете скористатися такими правами. Ми відповідаємо у зазначений строк.",
    rights_everywhere: "Незалежно від місця проживання",
    rights_in: "Якщо ви проживаєте на такій території:",
    col_right: "Право",
    col_deadline: "Строк відповіді",
    col_how: "Як звернутися",
    extension_by: "з можливістю продовження на",
    at_most: "не більше",
    per_calendar_year: "на календарний рік",
    per_rolling: "за будь-які",
    verification: "Ми перевіряємо вашу особу за допомогою",
    agents_allowed: "Уповноважений представник може подати запит від вашого імені",
    agents_confirm: "вас попросять його підтвердити",
    subject_line: "тема листа",
    only_address: "на запити, надіслані деінде, ми можемо не відповідати",
    children: "Діти",
    children_admitted: "Діти до {age} років можуть користуватися нашими послугами лише за згодою батьків або опікуна.",
    children_not_admitted: "Наші послуги не призначені для дітей до {age} років.",
    parental_verified: "Ми перевіряємо цю згоду, перш ніж збирати будь-які персональні дані дитини.",
    parental_unverified: "Ми не перевіряємо цю згоду.",
    no_direct_contact: "Ми не звертаємося до дітей напряму.",
    signals: "Сигнали браузера",
    dnt: "Do Not Track",
    gpc: "Global Privacy Control",
    sale: "Продаж персональних даних",
    legal_requests: "Запити органів влади",
    notify_within: "Ми повідомляємо вас протягом {time} після отримання запиту щодо ваших даних.",
    unless_prohibited: "якщо закон або рішення суду цього не забороняє",
    protective_order: "Ви матимете змогу звернутися по захисний судовий наказ.",
    object_improper: "Ми заперечуємо проти запитів, які вважаємо оформленими неналежно.",
    referred_to: "переадресовуються до",
    security: "Безпека",
    in_transit: "Персональні дані шифруються під час передавання.",
    at_rest: "Персональні дані шифруються під час зберігання.",
    role_based: "Доступ до персональних даних обмежено відповідно до ролі працівників, яким він потрібен.",
    breach: "Порушення безпеки даних",
    breach_intro: "Якщо порушення стосується ваших персональних даних, ми:",
    notify_authority_within: "повідомимо наглядовий орган протягом",
    notify_subjects_within: "повідомимо постраждалих осіб протягом",
    business_transfer: "Злиття та продаж бізнесу",
    notice_before_transfer: "Ми повідомимо вас, перш ніж ваші персональні дані буде передано й на них поширюватиметься інша політика конфіденційності.",
    successor_bound: "Правонаступник може використовувати ваші дані лише так, як описано в цій політиці.",
    changes: "Зміни до цієї політики",
    changes_advance: "Ми оголосимо про будь-яку істотну зміну щонайменше за {period} до набрання нею чинності.",
    changes_immediate: "Зміни набувають чинності з моменту публікації.",
    changes_channels: "Ми оголошуємо про істотні зміни через",
    renew_acceptance: "Після істотної зміни ми попросимо вас знову прийняти політику.",
    contact_us: "Зв'яжіться з нами",
    contact_intro: "З будь-яких питань щодо цієї політики чи ваших персональних даних звертайтеся:",
    never_stored: "ми їх ніколи не зберігаємо",
    sensitive: "чутливі дані",
    secret: "ніколи не розкриваються",
    immutable: "не можна змінити",
    encrypted: "шифруються під час зберігання",
    children_ok: "можуть збиратися щодо дітей",
    aggregate_only: "Використовуються лише в узагальненому вигляді, без виокремлення особи.",
    truncate_ip: "IP-адреси скорочуються перед використанням",
    k_anonymity: "Повідомляються лише групи щонайменше з {k} осіб.",
    unsubscribe_link: "Кожне повідомлення містить посилання для відписки одним натисканням.",
    soft_opt_in: "Якщо ви купували в нас, ми можемо писати вам про подібні товари, доки ви не відмовитеся",
    explicit: "Ми просимо вашої явної згоди.",
    consent_lifetime: "Ваш вибір зберігається",
    exceptions_kept: "Дані, що зберігаються попри запит",
    email: "Ел. пошта",
    phone: "Телефон",
    address: "Адреса",
    website: "Вебсайт",
};

/// A duration in words: "12 months", "12 mois", "12 місяців".
pub fn duration(lang: Language, d: &Duration) -> String {
    let Duration::Span { count, unit } = *d else {
        return lang.pick("session", "session", "сеанс").to_owned();
    };
    let word = match lang {
        Language::En => {
            let (one, many) = match unit {
                Unit::Minutes => ("minute", "minutes"),
                Unit::Hours => ("hour", "hours"),
                Unit::Days => ("day", "days"),
                Unit::BusinessDays => ("business day", "business days"),
                Unit::Weeks => ("week", "weeks"),
                Unit::Months => ("month", "months"),
                Unit::Years => ("year", "years"),
            };
            if count == 1 { one } else { many }
        }
        Language::Fr => {
            let (one, many) = match unit {
                Unit::Minutes => ("minute", "minutes"),
                Unit::Hours => ("heure", "heures"),
                Unit::Days => ("jour", "jours"),
                Unit::BusinessDays => ("jour ouvré", "jours ouvrés"),
                Unit::Weeks => ("semaine", "semaines"),
                Unit::Months => ("mois", "mois"),
                Unit::Years => ("an", "ans"),
            };
            // French uses the singular for 0 and 1.
            if count <= 1 { one } else { many }
        }
        Language::Uk => {
            let (one, few, many) = match unit {
                Unit::Minutes => ("хвилина", "хвилини", "хвилин"),
                Unit::Hours => ("година", "години", "годин"),
                Unit::Days => ("день", "дні", "днів"),
                Unit::BusinessDays => ("робочий день", "робочі дні", "робочих днів"),
                Unit::Weeks => ("тиждень", "тижні", "тижнів"),
                Unit::Months => ("місяць", "місяці", "місяців"),
                Unit::Years => ("рік", "роки", "років"),
            };
            match ukrainian_plural(count) {
                Plural::One => one,
                Plural::Few => few,
                Plural::Many => many,
            }
        }
    };
    format!("{count} {word}")
}

enum Plural {
    One,
    Few,
    Many,
}

/// CLDR plural categories for Ukrainian integers.
fn ukrainian_plural(n: u32) -> Plural {
    let (ten, hundred) = (n % 10, n % 100);
    if ten == 1 && hundred != 11 {
        Plural::One
    } else if (2..=4).contains(&ten) && !(12..=14).contains(&hundred) {
        Plural::Few
    } else {
        Plural::Many
    }
}

pub fn basis(lang: Language, b: LawfulBasis) -> &'static str {
    use LawfulBasis::*;
    match b {
        Consent => lang.pick("your consent", "votre consentement", "ваша згода"),
        Contract => lang.pick(
            "performance of a contract with you",
            "l'exécution d'un contrat avec vous",
            "виконання договору з вами",
        ),
        LegalObligation => lang.pick(
            "a legal obligation",
            "une obligation légale",
            "юридичний обов'язок",
        ),
        VitalInterests => lang.pick(
            "vital interests",
            "la sauvegarde des intérêts vitaux",
            "життєво важливі інтереси",
        ),
        PublicTask => lang.pick(
            "a task in the public interest",
            "une mission d'intérêt public",
            "завдання в суспільних інтересах",
        ),
        LegitimateInterests => lang.pick(
            "our legitimate interests",
            "notre intérêt légitime",
            "наші законні інтереси",
        ),
    }
}

pub fn consent_model(lang: Language, m: ConsentModel) -> &'static str {
    match m {
        ConsentModel::OptIn => lang.pick("only with your prior consent", "uniquement avec votre consentement préalable", "лише за вашою попередньою згодою"),
        ConsentModel::OptOut => lang.pick("unless you opt out", "sauf si vous vous y opposez", "якщо ви не відмовитеся"),
        ConsentModel::SoftOptIn => lang.pick("with your consent, or about similar products if you are a customer, until you opt out", "avec votre consentement, ou pour des produits similaires si vous êtes client, jusqu'à votre opposition", "за вашою згодою або щодо подібних товарів, якщо ви наш клієнт, доки ви не відмовитеся"),
        ConsentModel::None => lang.pick("no choice is needed for this use", "aucun choix n'est requis pour cet usage", "вибір для цього не потрібен"),
    }
}

pub fn withdrawal(lang: Language, w: WithdrawalChannel) -> &'static str {
    use WithdrawalChannel::*;
    match w {
        Banner => lang.pick(
            "the cookie banner settings",
            "les réglages du bandeau cookies",
            "налаштування банера cookie",
        ),
        PrivacyCentre => lang.pick(
            "the privacy centre",
            "l'espace confidentialité",
            "центр конфіденційності",
        ),
        UnsubscribeLink => lang.pick(
            "the unsubscribe link in each message",
            "le lien de désinscription de chaque message",
            "посилання для відписки в кожному повідомленні",
        ),
        AccountSettings => lang.pick(
            "your account settings",
            "les paramètres de votre compte",
            "налаштування облікового запису",
        ),
        Email => lang.pick("e-mail", "courriel", "електронна пошта"),
        Post => lang.pick("post", "courrier postal", "пошта"),
        Phone => lang.pick("phone", "téléphone", "телефон"),
        BrowserSettings => lang.pick(
            "your browser settings",
            "les réglages de votre navigateur",
            "налаштування браузера",
        ),
        DeviceSettings => lang.pick(
            "your device settings",
            "les réglages de votre appareil",
            "налаштування пристрою",
        ),
        ProviderOptOut => lang.pick(
            "the provider's opt-out page",
            "la page d'opposition du fournisseur",
            "сторінка відмови постачальника",
        ),
    }
}

pub fn channel(lang: Language, c: Channel) -> &'static str {
    use Channel::*;
    match c {
        Email => lang.pick("e-mail", "courriel", "ел. пошта"),
        Sms => lang.pick("SMS", "SMS", "SMS"),
        Phone => lang.pick("phone", "téléphone", "телефон"),
        Post => lang.pick("post", "courrier", "пошта"),
        InProduct => lang.pick("in the product", "dans le produit", "у продукті"),
        Site => lang.pick("our web site", "notre site", "наш сайт"),
        Portal => lang.pick(
            "the customer portal",
            "le portail client",
            "клієнтський портал",
        ),
        Push => lang.pick("push notification", "notification push", "push-сповіщення"),
    }
}

pub fn recipient_kind(lang: Language, k: RecipientKind) -> &'static str {
    use RecipientKind::*;
    match k {
        Processor => lang.pick(
            "Service provider (processor)",
            "Prestataire (sous-traitant)",
            "Постачальник послуг (обробник)",
        ),
        ThirdParty => lang.pick("Third party", "Tiers", "Третя сторона"),
        Affiliate => lang.pick("Affiliate", "Société affiliée", "Афілійована особа"),
        Franchisee => lang.pick("Franchisee", "Franchisé", "Франчайзі"),
        Authority => lang.pick("Public authority", "Autorité publique", "Орган влади"),
        Buyer => lang.pick(
            "Buyer or successor",
            "Acquéreur ou successeur",
            "Покупець або правонаступник",
        ),
        AdvertisingNetwork => lang.pick(
            "Advertising network",
            "Régie publicitaire",
            "Рекламна мережа",
        ),
    }
}

pub fn mechanism(lang: Language, m: TransferMechanism) -> &'static str {
    use TransferMechanism::*;
    match m {
        Adequacy => lang.pick(
            "Adequacy decision",
            "Décision d'adéquation",
            "Рішення про адекватність",
        ),
        StandardContractualClauses => lang.pick(
            "Standard contractual clauses",
            "Clauses contractuelles types",
            "Стандартні договірні положення",
        ),
        BindingCorporateRules => lang.pick(
            "Binding corporate rules",
            "Règles d'entreprise contraignantes",
            "Обов'язкові корпоративні правила",
        ),
        DataPrivacyFramework => lang.pick(
            "EU-US Data Privacy Framework",
            "Cadre de protection des données UE-États-Unis",
            "Рамкова угода ЄС-США про захист даних",
        ),
        PrivacyShield => lang.pick(
            "EU-US Privacy Shield",
            "Bouclier de protection des données UE-États-Unis",
            "Щит конфіденційності ЄС-США",
        ),
        Consent => lang.pick(
            "Your explicit consent",
            "Votre consentement explicite",
            "Ваша явна згода",
        ),
        Contract => lang.pick(
            "Necessary for our contract with you",
            "Nécessaire à notre contrat avec vous",
            "Необхідно для договору з вами",
        ),
        Unspecified => lang.pick("Not stated", "Non précisée", "Не зазначено"),
    }
}

pub fn tracker_category(lang: Language, c: TrackerCategory) -> &'static str {
    use TrackerCategory::*;
    match c {
        Essential => lang.pick("Essential", "Essentiels", "Основні"),
        Functional => lang.pick("Functional", "Fonctionnels", "Функціональні"),
        Analytics => lang.pick("Analytics", "Mesure d'audience", "Аналітичні"),
        Advertising => lang.pick("Advertising", "Publicité", "Рекламні"),
        Social => lang.pick("Social media", "Réseaux sociaux", "Соціальні мережі"),
    }
}

pub fn tracker_kind(lang: Language, k: TrackerKind) -> &'static str {
    use TrackerKind::*;
    match k {
        Cookie => lang.pick("Cookie", "Cookie", "Cookie"),
        Pixel => lang.pick("Pixel", "Pixel", "Піксель"),
        Beacon => lang.pick("Web beacon", "Balise web", "Веб-маяк"),
        LocalStorage => lang.pick("Local storage", "Stockage local", "Локальне сховище"),
        SessionStorage => lang.pick("Session storage", "Stockage de session", "Сховище сеансу"),
        FlashCookie => lang.pick("Flash cookie", "Cookie Flash", "Flash cookie"),
        Script => lang.pick("Script or plug-in", "Script ou module", "Скрипт або плагін"),
    }
}

pub fn party(lang: Language, p: Party) -> &'static str {
    match p {
        Party::First => lang.pick("First party", "Interne", "Перша сторона"),
        Party::Third => lang.pick("Third party", "Tiers", "Третя сторона"),
    }
}

pub fn source(lang: Language, s: Source) -> &'static str {
    use Source::*;
    match s {
        Subject => lang.pick("you", "vous", "ви"),
        Guardian => lang.pick(
            "your parent or guardian",
            "votre parent ou tuteur",
            "ваші батьки чи опікун",
        ),
        Automatic => lang.pick(
            "collected automatically",
            "collecte automatique",
            "збираються автоматично",
        ),
        ThirdParty => lang.pick("third parties", "des tiers", "треті сторони"),
        Controller => lang.pick(
            "our franchisees or partners",
            "nos franchisés ou partenaires",
            "наші франчайзі чи партнери",
        ),
        Inferred => lang.pick("inferred by us", "déduites par nous", "виводяться нами"),
    }
}

pub fn right(lang: Language, r: RightKind) -> &'static str {
    use RightKind::*;
    match r {
        Access => lang.pick(
            "Access your data",
            "Accès à vos données",
            "Доступ до ваших даних",
        ),
        Portability => lang.pick(
            "Receive your data in a portable format",
            "Portabilité de vos données",
            "Перенесення даних",
        ),
        Rectification => lang.pick("Correct your data", "Rectification", "Виправлення даних"),
        Erasure => lang.pick("Delete your data", "Effacement", "Видалення даних"),
        Restriction => lang.pick(
            "Restrict processing",
            "Limitation du traitement",
            "Обмеження обробки",
        ),
        Objection => lang.pick(
            "Object to processing",
            "Opposition au traitement",
            "Заперечення проти обробки",
        ),
        WithdrawConsent => lang.pick(
            "Withdraw consent",
            "Retrait du consentement",
            "Відкликання згоди",
        ),
        RightToKnow => lang.pick(
            "Know what we collect and disclose",
            "Savoir ce que nous collectons et communiquons",
            "Знати, що ми збираємо й розкриваємо",
        ),
        OptOutOfSale => lang.pick(
            "Opt out of sale and sharing",
            "Opposition à la vente et au partage",
            "Відмова від продажу та поширення",
        ),
        ShineTheLight => lang.pick(
            "Disclosures for direct marketing (Shine the Light)",
            "Communications à des fins de prospection (Shine the Light)",
            "Розкриття для прямого маркетингу (Shine the Light)",
        ),
        Complaint => lang.pick(
            "Complain to a supervisory authority",
            "Réclamation auprès d'une autorité de contrôle",
            "Скарга до наглядового органу",
        ),
        NonDiscrimination => lang.pick(
            "Not be discriminated against for using your rights",
            "Non-discrimination",
            "Недискримінація за використання прав",
        ),
        OptOutOfMarketing => lang.pick(
            "Stop marketing messages",
            "Opposition à la prospection",
            "Відмова від маркетингових повідомлень",
        ),
    }
}

pub fn verification(lang: Language, v: VerificationMethod) -> &'static str {
    use VerificationMethod::*;
    match v {
        Account => lang.pick(
            "signing in to your account",
            "la connexion à votre compte",
            "вхід до облікового запису",
        ),
        EmailOnFile => lang.pick(
            "a code sent to the e-mail address we have on file",
            "un code envoyé à l'adresse électronique que nous connaissons",
            "код на відому нам електронну адресу",
        ),
        PhoneOnFile => lang.pick(
            "a code sent to the phone number we have on file",
            "un code envoyé au numéro que nous connaissons",
            "код на відомий нам номер телефону",
        ),
        MatchRecords => lang.pick(
            "matching the request with the information we hold",
            "la correspondance avec les informations que nous détenons",
            "звірку із даними, які ми маємо",
        ),
        IdentityDocument => lang.pick(
            "an identity document",
            "une pièce d'identité",
            "документ, що посвідчує особу",
        ),
        SignedDeclaration => lang.pick(
            "a signed declaration",
            "une déclaration signée",
            "підписану заяву",
        ),
    }
}

pub fn intake(lang: Language, c: IntakeChannel) -> &'static str {
    use IntakeChannel::*;
    match c {
        PrivacyCentre => lang.pick(
            "the privacy centre",
            "l'espace confidentialité",
            "центр конфіденційності",
        ),
        AccountSettings => lang.pick(
            "your account settings",
            "les paramètres du compte",
            "налаштування облікового запису",
        ),
        Email => lang.pick("e-mail", "courriel", "ел. пошта"),
        Post => lang.pick("post", "courrier", "пошта"),
        Phone => lang.pick("phone", "téléphone", "телефон"),
        WebForm => lang.pick("web form", "formulaire en ligne", "вебформа"),
    }
}

pub fn retention_reason(lang: Language, r: RetentionReason) -> &'static str {
    use RetentionReason::*;
    match r {
        Security => lang.pick(
            "needed for security",
            "nécessaire à la sécurité",
            "потрібно для безпеки",
        ),
        LegalObligation => lang.pick(
            "the law requires it",
            "la loi l'exige",
            "цього вимагає закон",
        ),
        Dispute => lang.pick(
            "needed to resolve a dispute",
            "nécessaire au règlement d'un litige",
            "потрібно для вирішення спору",
        ),
        FraudPrevention => lang.pick(
            "needed to prevent fraud",
            "nécessaire à la prévention de la fraude",
            "потрібно для запобігання шахрайству",
        ),
        ActiveAccount => lang.pick(
            "your account is still open",
            "votre compte est encore ouvert",
            "ваш обліковий запис ще відкритий",
        ),
        Administrative => lang.pick(
            "needed for administration",
            "nécessaire à l'administration",
            "потрібно для адміністрування",
        ),
        LegalHold => lang.pick(
            "under a legal hold",
            "en cas de conservation judiciaire",
            "діє юридичне утримання",
        ),
    }
}

pub fn retention_period(lang: Language, p: &RetentionPeriod) -> String {
    match p {
        RetentionPeriod::For(d) => duration(lang, d),
        RetentionPeriod::UntilSubjectRequest => lang
            .pick(
                "until you ask us to delete it",
                "jusqu'à ce que vous demandiez sa suppression",
                "доки ви не попросите видалити",
            )
            .to_owned(),
        RetentionPeriod::UntilAccountClosed => lang
            .pick(
                "until your account is closed",
                "jusqu'à la clôture de votre compte",
                "до закриття облікового запису",
            )
            .to_owned(),
        RetentionPeriod::UntilPurposeFulfilled => lang
            .pick(
                "as long as the purpose requires",
                "le temps nécessaire à la finalité",
                "стільки, скільки потрібно для мети",
            )
            .to_owned(),
        RetentionPeriod::NotStored => lang
            .pick("not stored", "non conservées", "не зберігаються")
            .to_owned(),
    }
}

pub fn breach_step(lang: Language, s: BreachStep) -> &'static str {
    use BreachStep::*;
    match s {
        SecureSystems => lang.pick(
            "secure our systems",
            "sécuriser nos systèmes",
            "убезпечимо наші системи",
        ),
        Assess => lang.pick(
            "assess the risk to you",
            "évaluer le risque pour vous",
            "оцінимо ризик для вас",
        ),
        NotifyAuthority => lang.pick(
            "notify the supervisory authority",
            "notifier l'autorité de contrôle",
            "повідомимо наглядовий орган",
        ),
        NotifySubjects => lang.pick(
            "contact the people affected",
            "contacter les personnes concernées",
            "зв'яжемося з постраждалими",
        ),
        ResetPasswords => lang.pick(
            "reset passwords where needed",
            "réinitialiser les mots de passe si nécessaire",
            "скинемо паролі за потреби",
        ),
        Document => lang.pick(
            "document the breach",
            "documenter la violation",
            "задокументуємо порушення",
        ),
    }
}

pub fn controller_role(lang: Language, r: ControllerRole) -> &'static str {
    use ControllerRole::*;
    match r {
        Controller => lang.pick("Controller", "Responsable du traitement", "Контролер"),
        JointController => lang.pick(
            "Joint controller",
            "Responsable conjoint",
            "Спільний контролер",
        ),
        Franchisor => lang.pick("Franchisor", "Franchiseur", "Франчайзер"),
        Franchisee => lang.pick("Franchisee", "Franchisé", "Франчайзі"),
    }
}

pub fn sale_yes_no(lang: Language, sells: bool) -> &'static str {
    if sells {
        lang.pick(
            "We sell personal information.",
            "Nous vendons des données personnelles.",
            "Ми продаємо персональні дані.",
        )
    } else {
        lang.pick(
            "We do not sell personal information.",
            "Nous ne vendons pas de données personnelles.",
            "Ми не продаємо персональні дані.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Duration {
        s.parse().expect("duration")
    }

    #[test]
    fn ukrainian_plurals() {
        let uk = |s| duration(Language::Uk, &d(s));
        assert_eq!(uk("1 month"), "1 місяць");
        assert_eq!(uk("2 months"), "2 місяці");
        assert_eq!(uk("5 months"), "5 місяців");
        assert_eq!(uk("11 months"), "11 місяців");
        assert_eq!(uk("12 months"), "12 місяців");
        assert_eq!(uk("21 months"), "21 місяць");
        assert_eq!(uk("22 months"), "22 місяці");
        assert_eq!(uk("7 business days"), "7 робочих днів");
    }

    #[test]
    fn french_and_english() {
        assert_eq!(duration(Language::Fr, &d("1 year")), "1 an");
        assert_eq!(duration(Language::Fr, &d("2 years")), "2 ans");
        assert_eq!(duration(Language::Fr, &d("12 months")), "12 mois");
        assert_eq!(duration(Language::En, &d("1 minute")), "1 minute");
        assert_eq!(duration(Language::En, &d("session")), "session");
    }
}
