//! `--set key=value`: any scenario key by its dotted path, set over the file before
//! validation, so that it is checked like the file; a problem with a set key names the
//! `--set`, a problem elsewhere the file's line.

use super::*;

/// Parses `key=value` (the value as TOML: `5`, `0.3`, `true`, `"zh"`, `[0, 2]`; text that
/// is not TOML is taken as a string).
///
/// # Errors
/// A message when there is no `=` or the key is not a dotted path of names.
pub fn parse_set(text: &str) -> Result<(String, String), String> {
    let Some((key, value)) = text.split_once('=') else {
        return Err(format!("--set {text:?}: give key=value, such as --set campaign.reward=10"));
    };
    let key = key.trim();
    if key.is_empty()
        || key.split('.').any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    {
        return Err(format!(
            "--set {text:?}: the key must be a dotted path of names, such as campaign.reward or channels.direct.attention"
        ));
    }
    Ok((key.to_string(), value.trim().to_string()))
}

/// The TOML value of a `--set` value.
fn value_of(text: &str) -> toml::Value {
    toml::from_str::<toml::Table>(&format!("v = {text}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(text.to_string()))
}

/// The line of the dotted `key` in `text` (its `[section]` header, then `name =`), if
/// it is written there plainly.
fn line_of_key(text: &str, key: &str) -> Option<usize> {
    let (section, name) = key.rsplit_once('.').unwrap_or(("", key));
    let mut current = String::new();
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if t.starts_with('[') {
            current = t.trim_matches(|c| c == '[' || c == ']').trim().to_string();
            if current == key {
                return Some(i + 1);
            }
            continue;
        }
        if current == section
            && t.split('=').next().is_some_and(|k| k.trim().trim_matches('"') == name)
            && t.contains('=')
        {
            return Some(i + 1);
        }
    }
    None
}

/// Sets `value` at the dotted path `parts` of `table`, making sections as needed; the
/// depth of a part that is a value, not a section, as the error.
fn set_at(table: &mut toml::Table, parts: &[&str], value: toml::Value) -> Result<(), usize> {
    match parts {
        [] => Ok(()),
        [last] => {
            table.insert(last.to_string(), value);
            Ok(())
        }
        [first, rest @ ..] => {
            let entry = table.entry(first.to_string()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
            match entry.as_table_mut() {
                Some(t) => set_at(t, rest, value).map_err(|d| d + 1),
                None => Err(0),
            }
        }
    }
}

impl Scenario {
    /// Validates `text` with `overrides.sets` set over it: the file is read as a TOML
    /// table, each key set at its dotted path (sections made as needed), and the result
    /// validated as a file is. Problems in a set key name the `--set`; the others keep
    /// the file's lines.
    pub(super) fn from_toml_str_with_sets(
        text: &str,
        file_label: &str,
        base_dir: &Path,
        overrides: &Overrides,
    ) -> Result<Self, ScenarioError> {
        // A file that is not TOML is reported as without `--set`.
        let Ok(mut table) = toml::from_str::<toml::Table>(text) else {
            return Self::from_toml_str_with(text, file_label, base_dir, overrides);
        };
        let mut problems = Vec::new();
        for (key, value) in &overrides.sets {
            let parts: Vec<&str> = key.split('.').collect();
            if let Err(depth) = set_at(&mut table, &parts, value_of(value)) {
                problems.push(Problem {
                    line: None,
                    key: key.clone(),
                    message: format!("--set {key}={value}: {} is a value, not a section", parts[..=depth].join(".")),
                });
            }
        }
        if !problems.is_empty() {
            return Err(ScenarioError::Invalid { file: file_label.to_string(), problems });
        }
        let merged = toml::to_string(&table).expect("a TOML table always serialises");
        let plain = Overrides { sets: Vec::new(), ..overrides.clone() };
        match Self::from_toml_str_with(&merged, file_label, base_dir, &plain) {
            Ok(mut s) => {
                s.sets = overrides.sets.iter().map(|(k, v)| format!("{k}={v}")).collect();
                Ok(s)
            }
            Err(ScenarioError::Invalid { file, problems }) => {
                let problems = problems
                    .into_iter()
                    .map(|p| {
                        match overrides.sets.iter().find(|(k, _)| {
                            p.key == *k || p.key.starts_with(&format!("{k}.")) || k.starts_with(&format!("{}.", p.key))
                        }) {
                            Some((k, v)) => {
                                Problem { line: None, message: format!("--set {k}={v}: {}", p.message), ..p }
                            }
                            None => Problem { line: line_of_key(text, &p.key), ..p },
                        }
                    })
                    .collect();
                Err(ScenarioError::Invalid { file, problems })
            }
            Err(other) => Err(other),
        }
    }
}
