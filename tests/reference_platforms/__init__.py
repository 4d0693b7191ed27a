"""Reference platform APIs (Shopify Admin GraphQL, WooCommerce REST) for tests."""
