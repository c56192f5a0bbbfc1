//! The catalogue as stored and shown: cards, products with their variants and photos, collections.

use super::Stock;

/// The widths every photo is stored at (a narrower original is kept at its own size under each).
pub const IMAGE_WIDTHS: [u32; 3] = [320, 640, 1280];

/// A photo ready to store: its upright size and its renditions as (width, WebP bytes).
#[derive(Debug)]
pub struct Processed {
    pub width: u32,
    pub height: u32,
    pub renditions: Vec<(u32, Vec<u8>)>,
}

/// Where a product is: a draft only the seller sees, active in the shop, or archived (hidden).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProductStatus {
    #[default]
    Draft,
    Active,
    Archived,
}

impl ProductStatus {
    pub const ALL: [ProductStatus; 3] = [ProductStatus::Draft, ProductStatus::Active, ProductStatus::Archived];

    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Draft => "draft",
            ProductStatus::Active => "active",
            ProductStatus::Archived => "archived",
        }
    }

    /// The status with this name; `None` for anything else.
    pub fn parse(s: &str) -> Option<ProductStatus> {
        ProductStatus::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

impl std::fmt::Display for ProductStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One product in a listing: everything a card shows, in one query for the whole page.
#[derive(Debug, Clone)]
pub struct Card {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub price: i64,
    pub price_max: i64,
    pub compare_at: Option<i64>,
    pub image_id: Option<i64>,
    pub sold_out: bool,
    pub publish_at: Option<String>,
}

/// How a listing is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// The seller's order in a collection; newest first anywhere else.
    #[default]
    Featured,
    Newest,
    PriceLow,
    PriceHigh,
}

impl Sort {
    pub fn parse(s: &str) -> Sort {
        match s {
            "newest" => Sort::Newest,
            "price" | "price_asc" => Sort::PriceLow,
            "-price" | "price_desc" => Sort::PriceHigh,
            _ => Sort::Featured,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Featured => "featured",
            Sort::Newest => "newest",
            Sort::PriceLow => "price_asc",
            Sort::PriceHigh => "price_desc",
        }
    }
}

/// A product as stored, without its variants.
#[derive(Debug, Clone)]
pub struct Product {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub description_md: String,
    pub status: ProductStatus,
    pub tags: String,
    pub seo_title: String,
    pub seo_description: String,
    pub options: [String; 3],
    pub publish_at: Option<String>,
    pub updated_at: String,
}

/// One variant of a product: its options, price and stock.
#[derive(Debug, Clone)]
pub struct Variant {
    pub id: i64,
    pub sku: String,
    pub options: [String; 3],
    pub price: i64,
    pub compare_at_price: Option<i64>,
    pub on_hand: i64,
    pub reserved: i64,
    pub track_stock: bool,
    pub allow_backorder: bool,
    pub max_per_order: Option<i64>,
    pub barcode: String,
    pub weight_grams: Option<i64>,
}

impl Variant {
    pub fn stock(&self) -> Stock {
        Stock {
            on_hand: self.on_hand,
            reserved: self.reserved,
            track: self.track_stock,
            backorder: self.allow_backorder,
        }
    }
}

/// A photo in a product's gallery.
#[derive(Debug, Clone)]
pub struct Image {
    pub id: i64,
    /// The one variant it shows.
    pub variant_id: Option<i64>,
    /// Or every variant with this option value: (the option's place, the value).
    pub option: Option<(usize, String)>,
    pub alt: String,
    pub width: i64,
    pub height: i64,
}

impl Image {
    /// How much this photo is about variant `v`: 2 it is its photo, 1 it shows one of its option
    /// values (every size of a colour), 0 it is any variant's.
    pub fn rank_for(&self, v: &Variant) -> u8 {
        if self.variant_id == Some(v.id) {
            2
        } else if self.option.as_ref().is_some_and(|(i, value)| v.options.get(*i) == Some(value)) {
            1
        } else {
            0
        }
    }
}

/// What a photo shows, as the seller chooses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shows {
    Any,
    Variant(i64),
    /// Every variant with this value of this option (by its place, 0 to 2).
    OptionValue(usize, String),
}

impl Shows {
    /// The form's value: "" any, "v:12" a variant, "o:1:Madder Red" an option value (a bare number
    /// is a variant, as older forms sent it).
    pub fn parse(s: &str) -> Shows {
        if let Ok(id) = s.strip_prefix("v:").unwrap_or(s).parse::<i64>() {
            return Shows::Variant(id);
        }
        match s.strip_prefix("o:").and_then(|rest| rest.split_once(':')) {
            Some((i, value)) if matches!(i, "0" | "1" | "2") && !value.trim().is_empty() => {
                Shows::OptionValue(i.parse().unwrap_or(0), value.trim().to_string())
            }
            _ => Shows::Any,
        }
    }
}

/// A product page's data: the product, its variants and images, and the collections it is in.
#[derive(Debug, Clone)]
pub struct ProductPage {
    pub product: Product,
    pub variants: Vec<Variant>,
    pub images: Vec<Image>,
    pub collections: Vec<(String, String)>,
    pub reviews: Reviews,
}

impl ProductPage {
    /// The gallery for variant `v`: its own photos, then those of its option values, then the
    /// rest, each group in the seller's order.
    pub fn photos_for(&self, v: &Variant) -> Vec<&Image> {
        let mut shown: Vec<&Image> = self.images.iter().collect();
        shown.sort_by_key(|i| std::cmp::Reverse(i.rank_for(v)));
        shown
    }
}

/// What customers who received the product said: every rating counts in the average; the comments
/// the seller published are shown with the reviewer's first name.
#[derive(Debug, Clone, Default)]
pub struct Reviews {
    pub count: i64,
    /// The sum of the stars (the average is `stars / count`).
    pub stars: i64,
    pub shown: Vec<Review>,
}

impl Reviews {
    /// The average to one decimal, as people read it: "4.5".
    pub fn average(&self) -> Option<String> {
        (self.count > 0).then(|| {
            let tenths = (self.stars * 10 + self.count / 2) / self.count;
            format!("{}.{}", tenths / 10, tenths % 10)
        })
    }
}

/// A published review.
#[derive(Debug, Clone)]
pub struct Review {
    pub first_name: String,
    pub stars: u8,
    pub comment: String,
    pub at: String,
}

/// A collection with its count of products on sale.
#[derive(Debug, Clone)]
pub struct Collection {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub description_md: String,
    pub featured: bool,
    pub product_count: i64,
    pub position: i64,
}

/// A product in the admin's list.
#[derive(Debug, Clone)]
pub struct AdminRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub status: ProductStatus,
    pub variants: i64,
    pub price: i64,
    pub price_max: i64,
    /// Units that can be sold across tracked variants; `None` when no variant tracks stock.
    pub available: Option<i64>,
    pub low: bool,
}

/// Filters of the admin's product list; empty means any. `stock` is "", "low" or "out".
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AdminFilter {
    pub q: String,
    pub status: String,
    /// The filter form sends an empty value for "Any".
    #[serde(deserialize_with = "empty_as_none")]
    pub collection: Option<i64>,
    pub stock: String,
    /// 1-based page of the list.
    #[serde(deserialize_with = "empty_as_none")]
    pub page: Option<i64>,
}

/// A number from a query string, where an empty or unreadable value means none.
fn empty_as_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let s: Option<String> = serde::Deserialize::deserialize(d)?;
    Ok(s.and_then(|s| s.trim().parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variant(id: i64, size: &str, colour: &str) -> Variant {
        Variant {
            id,
            sku: format!("K-{size}-{colour}"),
            options: [size.into(), colour.into(), String::new()],
            price: 100,
            compare_at_price: None,
            on_hand: 1,
            reserved: 0,
            track_stock: true,
            allow_backorder: false,
            max_per_order: None,
            barcode: String::new(),
            weight_grams: None,
        }
    }

    #[test]
    fn a_photo_ranks_by_what_it_shows_and_the_form_value_reads_back() {
        let photo = |variant_id, option: Option<(usize, &str)>| Image {
            id: 1,
            variant_id,
            option: option.map(|(i, v)| (i, v.to_string())),
            alt: String::new(),
            width: 1,
            height: 1,
        };
        let (s_rust, xl_rust, m_indigo) =
            (variant(1, "S", "Rust"), variant(2, "XL", "Rust"), variant(3, "M", "Indigo"));
        let rust = photo(None, Some((1, "Rust")));
        assert_eq!((rust.rank_for(&s_rust), rust.rank_for(&xl_rust), rust.rank_for(&m_indigo)), (1, 1, 0));
        assert_eq!(photo(Some(2), None).rank_for(&xl_rust), 2);
        assert_eq!(photo(None, None).rank_for(&xl_rust), 0);
        assert_eq!(Shows::parse("o:1:Madder Red"), Shows::OptionValue(1, "Madder Red".into()));
        assert_eq!(Shows::parse("v:12"), Shows::Variant(12));
        assert_eq!(Shows::parse("12"), Shows::Variant(12), "older forms");
        assert_eq!(Shows::parse(""), Shows::Any);
        assert_eq!(Shows::parse("o:7:Red"), Shows::Any);
    }
}
