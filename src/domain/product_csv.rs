//! Products as CSV: one row per variant, the product's columns repeated on each of its rows.
//! Export then import into an empty shop gives the same catalogue: products, variants, stock, and
//! each product's place in its collections (`collection_places`, one number per collection named).
//! Text a spreadsheet would run as a formula is written neutralised (`domain::csv_cell`) and read
//! back as it was.

use super::product_form::{ProductErrors, ProductInput, RowInput};

/// The columns, in order. Prices are decimals in the shop's currency; booleans are yes/no.
pub const COLUMNS: [&str; 24] = [
    "slug",
    "title",
    "status",
    "description",
    "tags",
    "seo_title",
    "seo_description",
    "publish_at",
    "option1_name",
    "option2_name",
    "option3_name",
    "collections",
    "collection_places",
    "sku",
    "option1",
    "option2",
    "option3",
    "price",
    "compare_at_price",
    "track_stock",
    "allow_backorder",
    "max_per_order",
    "barcode",
    "weight_grams",
];

/// The stock column comes last: on hand, set through the ledger on import.
pub const STOCK_COLUMN: &str = "on_hand";

/// One variant of the catalogue as exported.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    pub slug: String,
    pub title: String,
    pub status: String,
    pub description_md: String,
    pub tags: String,
    pub seo_title: String,
    pub seo_description: String,
    pub publish_at: Option<String>,
    pub options: [String; 3],
    /// Collection titles joined by `|`.
    pub collections: String,
    /// The product's place in each of those collections (1 is first), joined by `|` in the same order.
    pub collection_places: String,
    pub sku: String,
    pub values: [String; 3],
    pub price: i64,
    pub compare_at: Option<i64>,
    pub track: bool,
    pub backorder: bool,
    pub max_per_order: Option<i64>,
    pub barcode: String,
    pub weight_grams: Option<i64>,
    pub on_hand: i64,
}

/// The catalogue as CSV text, prices with the shop's decimal places.
pub fn write(rows: &[ExportRow], minor_units: u8) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS.iter().chain([&STOCK_COLUMN]))?;
    let yn = |b: bool| if b { "yes" } else { "no" }.to_string();
    // The seller's text may start like a formula; the numbers and dates written here never do.
    let text = |s: &str| super::csv_cell(s).into_owned();
    for r in rows {
        let money = |m: i64| super::money::decimal(m, minor_units);
        w.write_record([
            text(&r.slug),
            text(&r.title),
            text(&r.status),
            text(&r.description_md),
            text(&r.tags.replace(',', ", ")),
            text(&r.seo_title),
            text(&r.seo_description),
            r.publish_at.as_deref().map(|t| t.chars().take(16).collect()).unwrap_or_default(),
            text(&r.options[0]),
            text(&r.options[1]),
            text(&r.options[2]),
            text(&r.collections),
            text(&r.collection_places),
            text(&r.sku),
            text(&r.values[0]),
            text(&r.values[1]),
            text(&r.values[2]),
            money(r.price),
            r.compare_at.map(money).unwrap_or_default(),
            yn(r.track),
            yn(r.backorder),
            r.max_per_order.map(|m| m.to_string()).unwrap_or_default(),
            text(&r.barcode),
            r.weight_grams.map(|w| w.to_string()).unwrap_or_default(),
            r.on_hand.to_string(),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// One product read from a file: where it starts, its form, its collections by title with its place
/// in each, and the on-hand count wanted for each row.
#[derive(Debug, Clone)]
pub struct ImportedProduct {
    pub line: usize,
    pub input: ProductInput,
    pub collections: Vec<String>,
    /// One per collection: where the product goes in it (1 is first), None to keep or append it.
    pub places: Vec<Option<i64>>,
    pub on_hand: Vec<i64>,
    /// The file line of each row, for messages.
    pub lines: Vec<usize>,
}

/// A problem in the file, placed by line and column.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvError {
    pub line: usize,
    pub column: String,
    pub message: String,
}

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

fn yes(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" | "" => Some(false),
        _ => None,
    }
}

/// Reads a file into products (rows with the same slug belong together); every problem is listed.
pub fn parse(data: &[u8]) -> Result<Vec<ImportedProduct>, Vec<CsvError>> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(data);
    let mut errors = Vec::new();
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(vec![CsvError { line: 1, column: String::new(), message: format!("not a CSV file: {e}") }]);
        }
    };
    let index: Vec<Option<usize>> =
        COLUMNS.iter().chain([&STOCK_COLUMN]).map(|c| headers.iter().position(|h| h.trim() == *c)).collect();
    for (c, i) in COLUMNS.iter().zip(&index) {
        if i.is_none() && matches!(*c, "slug" | "title" | "sku" | "price") {
            errors.push(CsvError {
                line: 1,
                column: c.to_string(),
                message: "this column is missing from the header".into(),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut products: Vec<ImportedProduct> = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(n as u64 + 2, |p| p.line()) as usize;
                errors.push(CsvError { line, column: String::new(), message: format!("cannot be read: {e}") });
                continue;
            }
        };
        // The line where the record starts: a quoted cell may span several lines.
        let line = record.position().map_or(n as u64 + 2, |p| p.line()) as usize;
        let get = |name: &str| {
            let c = COLUMNS.iter().chain([&STOCK_COLUMN]).position(|c| *c == name).expect("a known column");
            index[c].and_then(|i| record.get(i)).map(super::from_csv_cell).unwrap_or("").to_string()
        };
        let slug = get("slug").trim().to_string();
        let mut flag = |column: &str, value: String| {
            yes(&value).unwrap_or_else(|| {
                errors.push(CsvError { line, column: column.into(), message: format!("{value:?} is not yes or no") });
                false
            })
        };
        let row = RowInput {
            id: String::new(),
            options: [get("option1"), get("option2"), get("option3")],
            sku: get("sku"),
            price: get("price"),
            compare_at: get("compare_at_price"),
            track: flag("track_stock", get("track_stock")),
            backorder: flag("allow_backorder", get("allow_backorder")),
            max_per_order: get("max_per_order"),
            barcode: get("barcode"),
            weight: get("weight_grams"),
            stock: String::new(),
            remove: false,
        };
        let on_hand = match get(STOCK_COLUMN).trim() {
            "" => 0,
            v => v.parse::<i64>().ok().filter(|n| *n >= 0).unwrap_or_else(|| {
                errors.push(CsvError {
                    line,
                    column: STOCK_COLUMN.into(),
                    message: format!("{v:?} is not a whole number from 0"),
                });
                0
            }),
        };
        let existing = if slug.is_empty() { None } else { products.iter_mut().find(|p| p.input.slug == slug) };
        match existing {
            Some(p) => {
                p.input.rows.push(row);
                p.on_hand.push(on_hand);
                p.lines.push(line);
            }
            None => {
                let status = get("status").trim().to_string();
                let input = ProductInput {
                    title: get("title"),
                    slug,
                    status: if status.is_empty() { "draft".into() } else { status },
                    description_md: get("description"),
                    tags: get("tags"),
                    seo_title: get("seo_title"),
                    seo_description: get("seo_description"),
                    publish_at: get("publish_at").trim().chars().take(16).collect(),
                    options: [get("option1_name"), get("option2_name"), get("option3_name")],
                    collections: Vec::new(),
                    rows: vec![row],
                };
                let collections: Vec<String> =
                    get("collections").split('|').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
                let places = read_places(&get("collection_places"), collections.len()).unwrap_or_else(|message| {
                    errors.push(CsvError { line, column: "collection_places".into(), message });
                    Vec::new()
                });
                products.push(ImportedProduct {
                    line,
                    input,
                    collections,
                    places,
                    on_hand: vec![on_hand],
                    lines: vec![line],
                });
            }
        }
    }
    if errors.is_empty() { Ok(products) } else { Err(errors) }
}

/// Reads a `collection_places` cell: empty (an older file, or no wish) keeps or appends the product
/// in each collection; otherwise one place per collection named, a blank one meaning the same.
fn read_places(cell: &str, collections: usize) -> Result<Vec<Option<i64>>, String> {
    if cell.trim().is_empty() {
        return Ok(vec![None; collections]);
    }
    let parts: Vec<&str> = cell.split('|').map(str::trim).collect();
    if parts.len() != collections {
        return Err(format!(
            "give one place per collection, in the same order ({collections} collection(s), {} place(s))",
            parts.len()
        ));
    }
    parts
        .iter()
        .map(|p| match (p.is_empty(), p.parse::<i64>()) {
            (true, _) => Ok(None),
            (false, Ok(n)) if n >= 1 => Ok(Some(n)),
            _ => Err(format!("{p:?} is not a place: use a whole number from 1 (first)")),
        })
        .collect()
}

/// Places the product form's messages at the file's lines and columns.
pub fn place_errors(p: &ImportedProduct, e: &ProductErrors) -> Vec<CsvError> {
    fn column(key: &'static str) -> &'static str {
        match key {
            "description_md" => "description",
            "options" => "option1_name",
            "variants" => "sku",
            "compare" => "compare_at_price",
            "max" => "max_per_order",
            "weight" => "weight_grams",
            "stock" => STOCK_COLUMN,
            other => other,
        }
    }
    let mut out: Vec<CsvError> =
        e.fields.iter().map(|(k, m)| CsvError { line: p.line, column: column(k).into(), message: m.clone() }).collect();
    for (i, row) in e.rows.iter().enumerate() {
        let line = p.lines.get(i).copied().unwrap_or(p.line);
        out.extend(row.iter().map(|(k, m)| CsvError {
            line,
            column: if *k == "options" { "option1".into() } else { column(k).into() },
            message: m.clone(),
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "slug,title,status,description,tags,seo_title,seo_description,publish_at,option1_name,option2_name,option3_name,collections,sku,option1,option2,option3,price,compare_at_price,track_stock,allow_backorder,max_per_order,on_hand\n";

    #[test]
    fn rows_of_one_slug_make_one_product() {
        let csv = format!(
            "{HEADER}tee,Tee,active,\"Soft, \"\"cotton\"\"\nsecond line\",summer,,,,Size,,,Tops|Sale,TEE-S,S,,,499.00,,yes,no,,3\ntee,,,,,,,,,,,,TEE-M,M,,,499.00,599,yes,no,2,0\n"
        );
        let p = parse(csv.as_bytes()).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].input.rows.len(), 2);
        assert_eq!(p[0].input.description_md, "Soft, \"cotton\"\nsecond line");
        assert_eq!(p[0].collections, ["Tops", "Sale"]);
        assert_eq!(p[0].places, [None, None], "a file without collection_places keeps or appends");
        assert_eq!(p[0].on_hand, [3, 0]);
        assert_eq!(p[0].lines, [2, 4], "a quoted line break spans two file lines");
    }

    #[test]
    fn collection_places_go_with_the_collections_in_order() {
        let header = HEADER.replace("collections,", "collections,collection_places,");
        let row = |collections: &str, places: &str| {
            format!("{header}tee,Tee,active,,,,,,,,,{collections},{places},TEE-S,,,,499,,yes,no,,3\n")
        };
        let p = parse(row("Tops|Sale", "3| 1").as_bytes()).unwrap();
        assert_eq!(p[0].collections, ["Tops", "Sale"]);
        assert_eq!(p[0].places, [Some(3), Some(1)]);
        let p = parse(row("Tops|Sale", "|2").as_bytes()).unwrap();
        assert_eq!(p[0].places, [None, Some(2)], "a blank place keeps or appends");
        let p = parse(row("", "").as_bytes()).unwrap();
        assert!(p[0].collections.is_empty() && p[0].places.is_empty());
        let e = parse(row("Tops|Sale", "3").as_bytes()).unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "line 2, column collection_places: give one place per collection, in the same order (2 collection(s), 1 place(s))"
        );
        let e = parse(row("Tops", "first").as_bytes()).unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "line 2, column collection_places: \"first\" is not a place: use a whole number from 1 (first)"
        );
        assert!(parse(row("Tops", "0").as_bytes()).is_err());
    }

    #[test]
    fn export_writes_the_places_beside_the_collections() {
        let row = ExportRow {
            slug: "tee".into(),
            title: "Tee".into(),
            status: "active".into(),
            description_md: String::new(),
            tags: String::new(),
            seo_title: String::new(),
            seo_description: String::new(),
            publish_at: None,
            options: Default::default(),
            collections: "Sale|Tops".into(),
            collection_places: "4|1".into(),
            sku: "TEE".into(),
            values: Default::default(),
            price: 49900,
            compare_at: None,
            track: true,
            backorder: false,
            max_per_order: None,
            barcode: String::new(),
            weight_grams: None,
            on_hand: 2,
        };
        let csv = write(&[row], 2).unwrap();
        let p = parse(csv.as_bytes()).unwrap();
        assert_eq!(p[0].collections, ["Sale", "Tops"]);
        assert_eq!(p[0].places, [Some(4), Some(1)]);
    }

    #[test]
    fn bad_cells_are_named_by_line_and_column() {
        let csv = format!("{HEADER}tee,Tee,active,,,,,,,,,,TEE-S,,,,499,,maybe,no,,-2\n");
        let e = parse(csv.as_bytes()).unwrap_err();
        assert_eq!(e[0].to_string(), "line 2, column track_stock: \"maybe\" is not yes or no");
        assert_eq!(e[1].to_string(), "line 2, column on_hand: \"-2\" is not a whole number from 0");
        let e = parse(b"title,price\nx,1\n").unwrap_err();
        assert!(e.iter().any(|e| e.column == "slug" && e.message.contains("missing")));
    }
}
