//! The shop's existing catalog code: nothing to do with payments.

use serde::Deserialize;

#[derive(Debug, Deserialize, PartialEq)]
pub struct Product {
    pub name: String,
    #[serde(flatten)]
    pub pricing: Pricing,
}

#[derive(Debug, Deserialize, PartialEq)]
pub struct Pricing {
    pub price: f64,
    pub stock: u64,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Quantity {
    Count(u64),
    Weight(f64),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_with_flattened_pricing() {
        let p: Product =
            serde_json::from_str(r#"{"name":"Mango","price":12.5,"stock":40}"#).unwrap();
        assert_eq!(p.pricing.price, 12.5);
        assert_eq!(p.pricing.stock, 40);
    }

    #[test]
    fn untagged_quantity_count() {
        let q: Quantity = serde_json::from_str("3").unwrap();
        assert_eq!(q, Quantity::Count(3));
    }

    #[test]
    fn untagged_quantity_weight() {
        let q: Quantity = serde_json::from_str("1.25").unwrap();
        assert_eq!(q, Quantity::Weight(1.25));
    }
}
