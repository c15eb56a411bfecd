//! [`Texts::WELSH`]: the crate's own words in Welsh. The interface words
//! GOV.UK publishes in Welsh for its components (the error summary,
//! "Gwall:", Back, Continue, Change, "(dewisol)", the date's parts, the
//! character count) follow that wording; the rest is the crate's own.

use std::borrow::Cow;

use super::{ProblemWords, SaveTexts, Texts};

impl Texts {
    /// The Welsh table (`cy`), for [`crate::WizardConfig::language`].
    pub const WELSH: Texts = Texts {
        lang: Cow::Borrowed("cy"),
        service: Cow::Borrowed(""),
        error_title_prefix: Cow::Borrowed("Gwall: "),
        error_summary_title: Cow::Borrowed("Mae problem wedi codi"),
        error_prefix: Cow::Borrowed("Gwall:"),
        progress: Cow::Borrowed("Cam {current} o {total}"),
        continue_button: Cow::Borrowed("Parhau"),
        back_button: Cow::Borrowed("Yn ôl"),
        finish_button: Cow::Borrowed("Gorffen"),
        change: Cow::Borrowed("Newid"),
        optional_suffix: Cow::Borrowed(" (dewisol)"),
        yes: Cow::Borrowed("Ie"),
        no: Cow::Borrowed("Na"),
        not_provided: Cow::Borrowed("Heb ei ddarparu"),
        characters_allowed: Cow::Borrowed("Gallwch ddefnyddio hyd at {count} nod"),
        characters_remaining: Cow::Borrowed("Mae gennych {count} nod yn weddill"),
        characters_too_many: Cow::Borrowed("Mae gennych {count} nod yn ormod"),
        day: Cow::Borrowed("Diwrnod"),
        month: Cow::Borrowed("Mis"),
        year: Cow::Borrowed("Blwyddyn"),
        month_names: [
            Cow::Borrowed("Ionawr"),
            Cow::Borrowed("Chwefror"),
            Cow::Borrowed("Mawrth"),
            Cow::Borrowed("Ebrill"),
            Cow::Borrowed("Mai"),
            Cow::Borrowed("Mehefin"),
            Cow::Borrowed("Gorffennaf"),
            Cow::Borrowed("Awst"),
            Cow::Borrowed("Medi"),
            Cow::Borrowed("Hydref"),
            Cow::Borrowed("Tachwedd"),
            Cow::Borrowed("Rhagfyr"),
        ],
        date_part_names: [
            Cow::Borrowed("diwrnod"),
            Cow::Borrowed("mis"),
            Cow::Borrowed("blwyddyn"),
        ],
        and: Cow::Borrowed("a"),
        date_missing: Cow::Borrowed("Rhowch {label_lower}"),
        date_incomplete: Cow::Borrowed("Rhaid i {label_lower} gynnwys {parts}"),
        date_year_digits: Cow::Borrowed("Rhaid i’r flwyddyn gynnwys 4 rhif"),
        date_not_real: Cow::Borrowed("Rhaid i {label_lower} fod yn ddyddiad go iawn"),
        date_not_past: Cow::Borrowed("Rhaid i {label_lower} fod yn y gorffennol"),
        date_not_future: Cow::Borrowed("Rhaid i {label_lower} fod yn y dyfodol"),
        date_after_today: Cow::Borrowed("Rhaid i {label_lower} fod heddiw neu yn y gorffennol"),
        text_control: Cow::Borrowed(
            "Rhaid i {label_lower} beidio â chynnwys nodau rheoli na thoriadau llinell",
        ),
        text_invisible: Cow::Borrowed("Rhaid i {label_lower} beidio â chynnwys nodau anweledig"),
        money_missing: Cow::Borrowed("Rhowch {label_lower}"),
        money_format: Cow::Borrowed(
            "Rhaid i {label_lower} fod yn swm o arian, fel 12.50 neu 1,200",
        ),
        money_signed: Cow::Borrowed("Rhaid i {label_lower} fod yn swm heb arwydd minws na plws"),
        money_decimals: Cow::Borrowed(
            "Rhaid i {label_lower} beidio â chael mwy na 2 ddigid ar ôl y pwynt",
        ),
        whole_number: Cow::Borrowed("Rhaid i {label_lower} fod yn rhif cyfan"),
        out_of_range: Cow::Borrowed("Rhaid i {label_lower} fod rhwng {min} a {max}"),
        number: Cow::Borrowed("Rhaid i {label_lower} fod yn rhif"),
        choice: Cow::Borrowed("Dewiswch un o’r opsiynau ar gyfer {label_lower}"),
        yes_no: Cow::Borrowed("Rhaid i {label_lower} fod yn ie neu na"),
        rule_required: Cow::Borrowed("Rhowch {label_lower}"),
        rule_required_choice: Cow::Borrowed("Dewiswch {label_lower}"),
        rule_email: Cow::Borrowed(
            "Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@enghraifft.com",
        ),
        rule_url: Cow::Borrowed("Rhowch gyfeiriad gwe yn y fformat cywir"),
        rule_must_match: Cow::Borrowed("Nid yw’r gwerthoedd yn cyfateb"),
        rule_length_equal: Cow::Borrowed("Rhaid i {label_lower} fod yn {min} nod"),
        rule_length_between: Cow::Borrowed("Rhaid i {label_lower} fod rhwng {min} a {max} nod"),
        rule_length_min: Cow::Borrowed("Rhaid i {label_lower} fod yn {min} nod neu fwy"),
        rule_length_max: Cow::Borrowed("Rhaid i {label_lower} fod yn {max} nod neu lai"),
        rule_range_between: Cow::Borrowed("Rhaid i {label_lower} fod rhwng {min} a {max}"),
        rule_range_min: Cow::Borrowed("Rhaid i {label_lower} fod yn {min} neu fwy"),
        rule_range_max: Cow::Borrowed("Rhaid i {label_lower} fod yn {max} neu lai"),
        rule_format: Cow::Borrowed("Rhowch {label_lower} yn y fformat cywir"),
        expired_notice: Cow::Borrowed(
            "Cafodd eich atebion cynharach eu dileu oherwydd na wnaethoch unrhyw beth am sbel. Dechreuwch eto.",
        ),
        changed_notice: Cow::Borrowed(
            "Mae rhai cwestiynau wedi newid ers i chi ddechrau. Gwiriwch eich atebion ar y dudalen hon.",
        ),
        not_found: ProblemWords::new(
            "Heb ddod o hyd i’r dudalen",
            "Nid oes tudalen o’r fath. Gwiriwch y cyfeiriad, neu dechreuwch o’r dechrau.",
        ),
        start_again_link: Cow::Borrowed("Dechrau o’r dechrau"),
        forbidden: ProblemWords::new(
            "Ni allwch ddefnyddio’r dudalen hon",
            "Nid oes gennych ganiatâd i newid hyn. Gwiriwch eich bod wedi mewngofnodi gyda’r cyfrif cywir.",
        ),
        start_another: Cow::Borrowed("Dechrau eto"),
        skip_to_main: Cow::Borrowed("Neidio i’r prif gynnwys"),
        thousands_separator: Cow::Borrowed(","),
        oldest_dropped_notice: Cow::Borrowed(
            "Roedd gennych ormod o ffurflenni heb eu gorffen ar agor, felly cafodd yr hynaf ei dileu.",
        ),
        runs_heading: Cow::Borrowed("Parhau o’r man lle gwnaethoch adael"),
        runs_intro: Cow::Borrowed("Mae gennych fwy nag un o’r ffurflenni hyn heb eu gorffen."),
        change_button: Cow::Borrowed("Cadw a dychwelyd i wirio eich atebion"),
        cancel_button: Cow::Borrowed("Canslo"),
        exit_back_link: Cow::Borrowed("Newid eich ateb"),
        file_held: Cow::Borrowed(
            "Mae {name} ({size}) wedi’i lanlwytho. Dewiswch ffeil arall i gymryd ei lle.",
        ),
        file_remove: Cow::Borrowed("Dileu {name}"),
        file_missing: Cow::Borrowed("Dewiswch {label_lower}"),
        file_kind: Cow::Borrowed("Rhaid i’r ffeil a ddewiswyd fod yn {kinds}"),
        file_too_large: Cow::Borrowed("Rhaid i’r ffeil a ddewiswyd fod yn llai na {size}"),
        file_empty: Cow::Borrowed("Mae’r ffeil a ddewiswyd yn wag"),
        file_virus: Cow::Borrowed("Mae feirws yn y ffeil a ddewiswyd"),
        file_gone: Cow::Borrowed(
            "Nid yw’r ffeil a lanlwythwyd gennych yma mwyach: dewiswch hi eto",
        ),
        files_held: Cow::Borrowed("Ffeiliau a ychwanegwyd"),
        files_too_many: Cow::Borrowed("Dim ond hyd at {max} ffeil y gallwch eu hychwanegu"),
        files_too_few: Cow::Borrowed("Ychwanegwch o leiaf {min} ffeil"),
        files_one_refused: Cow::Borrowed("{name}: {message}"),
        timeout_heading: Cow::Borrowed("Oes angen mwy o amser arnoch?"),
        timeout_body: Cow::Borrowed(
            "Nid ydych wedi gwneud unrhyw beth ar y ffurflen hon ers tro. Er mwyn diogelu eich gwybodaeth, byddwn yn dileu eich atebion ymhen {time}.",
        ),
        timeout_continue: Cow::Borrowed("Parhau gyda’r ffurflen hon"),
        timeout_gone_heading: Cow::Borrowed("Mae eich atebion wedi cael eu dileu"),
        timeout_gone_body: Cow::Borrowed(
            "Ni wnaethoch unrhyw beth ar y ffurflen hon ers tro, felly gwnaethom ddileu eich atebion i ddiogelu eich gwybodaeth.",
        ),
        timeout_minutes: Cow::Borrowed("{n} munud"),
        timeout_minute: Cow::Borrowed("1 munud"),
        timeout_seconds: Cow::Borrowed("{n} eiliad"),
        timeout_second: Cow::Borrowed("1 eiliad"),
        list_none: Cow::Borrowed("Dim wedi’u hychwanegu eto."),
        list_not_finished: Cow::Borrowed("Heb ei orffen"),
        remove: Cow::Borrowed("Dileu"),
        list_full: Cow::Borrowed("Rydych wedi ychwanegu’r nifer fwyaf y gallwch ({max})."),
        list_near_cap: Cow::Borrowed(
            "Ni allwch ychwanegu un arall yma: mae’r ffurflen hon yn dal cymaint ag y gall ei gadw.",
        ),
        list_missing: Cow::Borrowed("Dewiswch ‘ie’ os oes angen i chi ychwanegu un arall"),
        list_too_few: Cow::Borrowed("Ychwanegwch o leiaf {min} cyn i chi barhau"),
        list_unfinished: Cow::Borrowed(
            "Gorffennwch neu dilëwch bob un sydd wedi’i farcio heb ei orffen cyn i chi barhau",
        ),
        remove_question: Cow::Borrowed("Ydych chi’n siŵr eich bod am ddileu {name}?"),
        remove_missing: Cow::Borrowed("Dewiswch ‘ie’ os ydych am ei ddileu"),
        item_heading: Cow::Borrowed("{noun} {number}: {name}"),
        runs_item: Cow::Borrowed(
            "Cam {current} o {total}, defnyddiwyd ddiwethaf {minutes} munud yn ôl",
        ),
        continue_link: Cow::Borrowed("Parhau"),
        start_new_link: Cow::Borrowed("Dechrau un newydd"),
        method_not_allowed: ProblemWords::new(
            "Ni all y dudalen hon wneud hynny",
            "Gofynnwyd i’r dudalen wneud rhywbeth nad yw’n ei wneud, felly ni chadwyd dim. Ewch yn ôl a rhowch gynnig arall arni.",
        ),
        csrf: ProblemWords::new(
            "Nid oedd modd gwirio eich ffurflen",
            "Roedd tocyn diogelwch y ffurflen ar goll neu nid oedd yn cyfateb, felly ni chadwyd dim. Ewch yn ôl i’r ffurflen, ail-lwythwch hi a rhowch gynnig arall arni.",
        ),
        reload_link: Cow::Borrowed("Ail-lwytho’r ffurflen"),
        malformed: ProblemWords::new(
            "Nid oedd modd darllen eich ffurflen",
            "Nid oedd data’r ffurflen mewn fformat rydym yn ei ddeall, felly ni chadwyd dim. Ewch yn ôl a rhowch gynnig arall arni.",
        ),
        too_large: ProblemWords::new(
            "Mae eich ffurflen yn rhy fawr",
            "Roedd y ffurflen a anfonwyd yn fwy nag rydym yn ei dderbyn, felly ni chadwyd dim. Byrhewch eich atebion a rhowch gynnig arall arni.",
        ),
        too_many_fields: ProblemWords::new(
            "Mae gormod o feysydd yn eich ffurflen",
            "Roedd gan y ffurflen a anfonwyd fwy o feysydd nag rydym yn eu derbyn, felly ni chadwyd dim.",
        ),
        slow_body: ProblemWords::new(
            "Cymerodd eich ffurflen ormod o amser i gyrraedd",
            "Roedd y cysylltiad yn rhy araf neu daeth i ben wrth anfon y ffurflen, felly ni chadwyd dim. Ewch yn ôl a rhowch gynnig arall arni.",
        ),
        wrong_type: ProblemWords::new(
            "Math o ffurflen nad yw’n cael ei gefnogi",
            "Mae’r dudalen hon yn derbyn ffurflenni gwe arferol (application/x-www-form-urlencoded) a JSON (application/json) yn unig. Ni chadwyd dim.",
        ),
        state_too_large: ProblemWords::new(
            "Mae eich atebion yn rhy hir i’w cadw",
            "Nid oedd modd i ni gadw’r dudalen hon oherwydd bod eich holl atebion gyda’i gilydd yn hirach nag y gallwn eu cadw. Mae eich atebion cynharach yn ddiogel. Ewch yn ôl a byrhewch atebion y dudalen hon.",
        ),
        back_to_form_link: Cow::Borrowed("Mynd yn ôl i’r ffurflen"),
        finish_failed: ProblemWords::new(
            "Mae’n ddrwg gennym, nid oedd modd i ni orffen",
            "Aeth rhywbeth o’i le ar ein hochr ni. Mae eich atebion yn ddiogel: rhowch gynnig arall arni ymhen ychydig funudau.",
        ),
        internal: ProblemWords::new(
            "Mae’n ddrwg gennym, mae problem gyda’r gwasanaeth",
            "Aeth rhywbeth o’i le ar ein hochr ni. Mae eich atebion yn ddiogel: rhowch gynnig arall arni ymhen ychydig funudau.",
        ),
        store_down: ProblemWords::new(
            "Mae’n ddrwg gennym, nid yw’r gwasanaeth ar gael",
            "Ni allwn gyrraedd y man lle cedwir eich atebion. Mae eich atebion yn ddiogel: rhowch gynnig arall arni ymhen ychydig funudau a byddwch yn parhau o’r man lle gwnaethoch adael.",
        ),
        upload_unavailable: ProblemWords::new(
            "Nid oedd modd lanlwytho eich ffeil",
            "Nid oedd modd i ni wirio eich ffeil am feirysau ar hyn o bryd, felly ni chafodd ei chadw. Mae eich atebion eraill yn ddiogel. Ewch yn ôl a rhowch gynnig arall arni ymhen ychydig funudau.",
        ),
        save: SaveTexts::WELSH,
        catalogue: crate::catalogue::Catalogue::NONE,
        language_name: Cow::Borrowed("Cymraeg"),
        language_switcher: Cow::Borrowed("Iaith"),
    };
}

impl SaveTexts {
    /// The Welsh words.
    pub const WELSH: SaveTexts = SaveTexts {
        button: Cow::Borrowed("Cadw a dod yn ôl yn nes ymlaen"),
        ask_title: Cow::Borrowed("Cadw eich atebion a dod yn ôl yn nes ymlaen"),
        ask_intro: Cow::Borrowed(
            "Byddwn yn anfon dolen atoch drwy e-bost i ddod yn ôl at eich atebion, ar y ddyfais hon neu unrhyw ddyfais arall. Mae’r ddolen yn gweithio unwaith, tan {until}.",
        ),
        email_label: Cow::Borrowed("Cyfeiriad e-bost"),
        email_hint: Cow::Borrowed("Byddwn ond yn defnyddio hwn i anfon y ddolen atoch"),
        send_button: Cow::Borrowed("Anfon y ddolen"),
        email_missing: Cow::Borrowed("Rhowch eich cyfeiriad e-bost"),
        email_invalid: Cow::Borrowed(
            "Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@enghraifft.com",
        ),
        sent_title: Cow::Borrowed("Rydym wedi anfon dolen atoch"),
        sent_body: Cow::Borrowed(
            "Gwnaethom anfon dolen i {address}. Mae’n gweithio unwaith, tan {until}. Mae eich atebion wedi’u cadw.",
        ),
        sent_continue: Cow::Borrowed("Parhau gyda’ch atebion nawr"),
        mail_subject: Cow::Borrowed("Eich atebion a gadwyd"),
        mail_body: Cow::Borrowed(
            "Defnyddiwch y ddolen hon i ddod yn ôl at eich atebion:\n\n{link}\n\nMae’n gweithio unwaith, tan {until}. Gofynnir i chi am y cyfeiriad e-bost hwn.\n\nOs na wnaethoch ofyn am hyn, gallwch anwybyddu’r e-bost hwn.\n",
        ),
        resume_title: Cow::Borrowed("Parhau gyda’ch atebion a gadwyd"),
        resume_intro: Cow::Borrowed("Rhowch y cyfeiriad e-bost y gwnaethom anfon y ddolen iddo."),
        resume_label: Cow::Borrowed("Cyfeiriad e-bost"),
        resume_button: Cow::Borrowed("Parhau"),
        resume_wrong: Cow::Borrowed("Rhowch y cyfeiriad e-bost yr anfonwyd y ddolen iddo"),
        link_unknown: ProblemWords::new(
            "Nid yw’r ddolen hon yn gweithio",
            "Gwiriwch eich bod wedi defnyddio’r ddolen yn yr e-bost diweddaraf a anfonwyd gennym. Dim ond y ddolen fwyaf diweddar sy’n gweithio.",
        ),
        link_used: ProblemWords::new(
            "Mae’r ddolen hon wedi cael ei defnyddio",
            "Mae pob dolen yn gweithio unwaith. Os gwnaethoch gadw eich atebion eto, defnyddiwch y ddolen yn yr e-bost diweddaraf.",
        ),
        link_expired: ProblemWords::new(
            "Mae’r ddolen hon wedi dod i ben",
            "Caiff atebion a gadwyd eu cadw am gyfnod cyfyngedig, ac mae’r rhain wedi cael eu dileu. Bydd angen i chi ddechrau eto.",
        ),
        link_ended: ProblemWords::new(
            "Nid yw’r ddolen hon yn gweithio mwyach",
            "Cafodd y cyfeiriad e-bost ei roi’n anghywir ormod o weithiau. Bydd angen i chi ddechrau eto.",
        ),
        link_finished: ProblemWords::new(
            "Mae’r atebion hyn eisoes wedi cael eu hanfon",
            "Cafodd y ffurflen ei gorffen ar ôl i’r ddolen hon gael ei hanfon. Nid oes angen i chi wneud dim arall.",
        ),
        mail_failed: ProblemWords::new(
            "Nid oedd modd i ni anfon y ddolen",
            "Nid yw ein gwasanaeth e-bost yn gweithio ar hyn o bryd. Nid oes dim wedi’i golli: mae eich atebion yn dal i fod wedi’u cadw yn y porwr hwn. Ewch yn ôl a rhowch gynnig arall arni ymhen ychydig funudau.",
        ),
        too_many: ProblemWords::new(
            "Rydych wedi gofyn am ormod o ddolenni",
            "Gallwch ofyn am hyd at 5 dolen yr awr. Rhowch gynnig arall arni ymhen {minutes} munud. Mae eich atebion yn dal i fod wedi’u cadw yn y porwr hwn.",
        ),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each `{placeholder}` of the table, counted (`{label}` and
    /// `{label_lower}` as one: Welsh puts the label mid-sentence).
    fn placeholders(table: &str) -> std::collections::BTreeMap<String, usize> {
        let mut found = std::collections::BTreeMap::new();
        let mut rest = table;
        while let Some(start) = rest.find('{') {
            let Some(end) = rest[start..].find('}') else {
                break;
            };
            let name = &rest[start + 1..start + end];
            if !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                let name = name.trim_end_matches("_lower").to_owned();
                *found.entry(name).or_insert(0) += 1;
            }
            rest = &rest[start + end + 1..];
        }
        found
    }

    #[test]
    fn the_welsh_table_fills_every_placeholder_the_english_one_does() {
        let english = format!("{:?}", Texts::ENGLISH);
        let welsh = format!("{:?}", Texts::WELSH);
        assert_eq!(placeholders(&welsh), placeholders(&english));
        assert_ne!(Texts::WELSH.continue_button, Texts::ENGLISH.continue_button);
        assert_eq!(Texts::WELSH.lang, "cy");
    }
}
