//! What `compile` works out ahead of decisions agrees with the policy model.

use vow_engine::compile;

const PLACES: [&str; 16] = [
    "EU", "EEA", "FR", "DE", "NO", "IS", "GB", "UK", "US", "US-CA", "CA", "UA", "JP", "BR", "IE",
    "default",
];

#[test]
fn lawful_basis_and_consent_model_by_place_are_the_models() {
    for name in [
        "edtech-classroom",
        "dev-agency",
        "kids-coding-franchise",
        "course-shop",
        "iot-platform",
    ] {
        let path = format!(
            "{}/../../examples/{name}/policy.yaml",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).expect("example");
        let policy = vow_policy::check(&path, &text).expect("checks").policy;
        let compiled = compile(&policy);
        for (p, c) in policy.purposes.iter().zip(&compiled.purposes) {
            for code in PLACES {
                let place = compiled.place(code).map(|(i, _)| i);
                assert_eq!(
                    c.rules_in(place),
                    (p.basis.for_jurisdiction(code), p.consent.model_for(code)),
                    "{name}: purpose {} in {code}",
                    p.id
                );
            }
            // No jurisdiction: the default basis and the purpose's own model.
            assert_eq!(
                c.rules_in(None),
                (p.basis.for_jurisdiction("default"), p.consent.model),
                "{name}: purpose {}",
                p.id
            );
        }
    }
}
