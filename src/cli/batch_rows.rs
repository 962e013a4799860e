//! The rows of `create --batch` and `--batch-csv`: JSON Lines, each line
//! an instance body read as `create --from` reads one, and CSV, a header of
//! `element`, `name`, `tags` and configuration keys, each record turned
//! into the same body and read by the same reader. Each row keeps the line
//! it starts on, for messages that say where to fix it.

use super::inputs::{self, Draft};
use serde::Serialize;

/// What separates the tags in a CSV `tags` cell.
pub const TAG_SEPARATOR: char = ';';

/// The most a batch file may weigh: thousands of rows, and still refused
/// at once when it is the wrong file.
pub const MAX_BATCH_BYTES: u64 = 16 * 1024 * 1024;

/// How a row ended, as its JSON line says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Created,
    /// An instance of that name was already on the account.
    Skipped,
    Failed,
    /// Made, but its check found it broken or disabled.
    CreatedBroken,
}

/// One row of a batch: the line it starts on and its draft, or what is
/// wrong with it as written.
#[derive(Debug)]
pub struct Row {
    pub line: usize,
    pub draft: Result<Draft, String>,
}

/// JSON Lines: each non-blank line one `instance.json` body.
pub fn json_lines(text: &str) -> Vec<Row> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| Row {
            line: i + 1,
            draft: inputs::parse_instance_json(l, "the row").map_err(|e| e.0),
        })
        .collect()
}

/// CSV with a header row: `element` (required), `name`, `tags` (separated
/// by [`TAG_SEPARATOR`]) and configuration keys. An empty cell sets
/// nothing. A header that cannot be read refuses the whole file.
pub fn csv(text: &str) -> Result<Vec<Row>, String> {
    let records = parse_csv(text.strip_prefix('\u{feff}').unwrap_or(text))?;
    let mut records = records.into_iter();
    let Some((_, header)) = records.next() else {
        return Err("the CSV file is empty: it needs a header row (element,name,tags and configuration keys) and a row per instance".into());
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    if !header.iter().any(|h| h == "element") {
        return Err(format!(
            "the CSV header ({}) has no \"element\" column; the first row names the columns: element, name, tags and configuration keys",
            crate::sanitize::line(&header.join(","))
        ));
    }
    for (i, h) in header.iter().enumerate() {
        if h.is_empty() {
            return Err(format!(
                "column {} of the CSV header has no name; name every column",
                i + 1
            ));
        }
        if header[..i].contains(h) {
            return Err(format!(
                "the CSV header names \"{}\" twice",
                crate::sanitize::line(h)
            ));
        }
    }
    Ok(records
        .map(|(line, cells)| Row {
            line,
            draft: csv_row(&header, &cells),
        })
        .collect())
}

/// One CSV record as the `instance.json` body it stands for, read by the
/// body reader.
fn csv_row(header: &[String], cells: &[String]) -> Result<Draft, String> {
    if cells.len() != header.len() {
        return Err(format!(
            "the row has {} fields where the header has {}; quote a value that holds a comma (\"a,b\")",
            cells.len(),
            header.len()
        ));
    }
    let mut body = serde_json::Map::new();
    let mut configuration = serde_json::Map::new();
    for (column, cell) in header.iter().zip(cells) {
        if cell.is_empty() {
            continue;
        }
        match column.as_str() {
            "element" => {
                body.insert("element".into(), serde_json::json!({ "key": cell.trim() }));
            }
            "name" => {
                body.insert("name".into(), cell.clone().into());
            }
            "tags" => {
                let tags: Vec<serde_json::Value> = cell
                    .split(TAG_SEPARATOR)
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(|t| t.into())
                    .collect();
                body.insert("tags".into(), tags.into());
            }
            key => {
                configuration.insert(key.to_string(), cell.clone().into());
            }
        }
    }
    body.insert("configuration".into(), configuration.into());
    inputs::parse_instance_json(&serde_json::Value::Object(body).to_string(), "the row")
        .map_err(|e| e.0)
}

/// RFC 4180 records, each with the line it starts on: fields separated by
/// commas, records by line breaks, a field in double quotes may hold
/// commas, line breaks and `""` for a quote. Blank lines are skipped.
fn parse_csv(text: &str) -> Result<Vec<(usize, Vec<String>)>, String> {
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut start = 1;
    // Whether the current field began with a quote, and whether that
    // quote has been closed.
    let mut quoted = false;
    let mut closed = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted && !closed {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => closed = true,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            ',' => {
                fields.push(std::mem::take(&mut field));
                quoted = false;
                closed = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                if let Some(r) = end_record(&mut fields, &mut field, start) {
                    records.push(r);
                }
                quoted = false;
                closed = false;
                line += 1;
                start = line;
            }
            '"' if field.is_empty() && !quoted => quoted = true,
            '"' => {
                return Err(format!(
                    "line {line}: a quote inside a field; put the whole field in quotes and double the quote inside (\"say \"\"hi\"\"\")"
                ))
            }
            c if closed => {
                return Err(format!(
                    "line {line}: \"{}\" after a closing quote; a quoted field ends at its quote, before the comma",
                    c.escape_debug()
                ))
            }
            c => field.push(c),
        }
    }
    if quoted && !closed {
        return Err(format!(
            "line {start}: a quoted field is never closed; add the closing quote"
        ));
    }
    if let Some(r) = end_record(&mut fields, &mut field, start) {
        records.push(r);
    }
    Ok(records)
}

/// The record the fields so far make, if any: a blank line is one empty
/// field, and no record.
fn end_record(
    fields: &mut Vec<String>,
    field: &mut String,
    start: usize,
) -> Option<(usize, Vec<String>)> {
    fields.push(std::mem::take(field));
    let record = std::mem::take(fields);
    (record.len() > 1 || !record[0].is_empty()).then_some((start, record))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str) -> Vec<(usize, Vec<String>)> {
        parse_csv(text).unwrap()
    }

    #[test]
    fn csv_fields_may_be_quoted_with_commas_quotes_and_line_breaks() {
        let r = cells("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\n1,,3");
        assert_eq!(r.len(), 3);
        assert_eq!(r[0], (1, vec!["a".into(), "b".into(), "c".into()]));
        assert_eq!(
            r[1],
            (
                2,
                vec!["x, y".into(), "say \"hi\"".into(), "two\nlines".into()]
            )
        );
        // The record after a quoted line break starts on line 5.
        assert_eq!(r[2], (5, vec!["1".into(), "".into(), "3".into()]));
    }

    #[test]
    fn broken_csv_says_where() {
        let e = parse_csv("a,b\nx,\"open\n").unwrap_err();
        assert!(
            e.starts_with("line 2: a quoted field is never closed"),
            "{e}"
        );
        let e = parse_csv("a\nab\"c\n").unwrap_err();
        assert!(e.starts_with("line 2: a quote inside a field"), "{e}");
        let e = parse_csv("a\n\"ab\"c\n").unwrap_err();
        assert!(e.contains("after a closing quote"), "{e}");
    }

    #[test]
    fn a_csv_row_is_the_body_the_json_reader_takes() {
        let rows = csv("element,name,tags,store.url,username\nbigcommerce,shop 1,eu; prod ;,https://s/api/v2/,u\nbigcommerce,,,,\n").unwrap();
        let d = rows[0].draft.as_ref().unwrap();
        assert_eq!(rows[0].line, 2);
        assert_eq!(d.element.as_deref(), Some("bigcommerce"));
        assert_eq!(d.name.as_deref(), Some("shop 1"));
        assert_eq!(d.tags, Some(vec!["eu".to_string(), "prod".to_string()]));
        assert_eq!(d.file_keys, vec!["store.url", "username"]);
        // Empty cells set nothing.
        let d = rows[1].draft.as_ref().unwrap();
        assert_eq!(d.name, None);
        assert!(d.configuration.is_empty());
    }

    #[test]
    fn csv_headers_and_rows_that_cannot_be_read_are_refused() {
        assert!(csv("name,username\nx,y\n")
            .unwrap_err()
            .contains("no \"element\" column"));
        assert!(csv("element,name,name\n").unwrap_err().contains("twice"));
        assert!(csv("").unwrap_err().contains("empty"));
        let rows = csv("element,name\nbigcommerce,a,b\n").unwrap();
        let e = rows[0].draft.as_ref().unwrap_err();
        assert!(
            e.starts_with("the row has 3 fields where the header has 2"),
            "{e}"
        );
    }

    #[test]
    fn json_lines_keep_their_line_numbers_and_skip_blank_lines() {
        let rows = json_lines("{\"name\":\"a\"}\n\n  \n{\"nme\":\"b\"}\nnot json\n");
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 4, 5]);
        assert!(rows[0].draft.is_ok());
        let e = rows[1].draft.as_ref().unwrap_err();
        assert!(e.contains("did you mean \"name\""), "{e}");
        let e = rows[2].draft.as_ref().unwrap_err();
        assert!(e.starts_with("the row is not valid JSON"), "{e}");
    }
}
