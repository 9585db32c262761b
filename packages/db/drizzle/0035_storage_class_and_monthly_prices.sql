-- Issue 16, storage: bucket lifecycle advice prices a bucket's storage classes (product
-- object_storage, per GB-month), and Azure managed disks are billed a fixed amount per tier and
-- month (unit month), which neither an hourly nor a GB-month rate expresses exactly.
ALTER TABLE "cloud_prices" DROP CONSTRAINT "cloud_prices_product_check";--> statement-breakpoint
ALTER TABLE "cloud_prices" ADD CONSTRAINT "cloud_prices_product_check" CHECK ("cloud_prices"."product" IN ('compute', 'volume', 'public_ip', 'load_balancer', 'object_storage'));--> statement-breakpoint
ALTER TABLE "cloud_prices" DROP CONSTRAINT "cloud_prices_unit_check";--> statement-breakpoint
ALTER TABLE "cloud_prices" ADD CONSTRAINT "cloud_prices_unit_check" CHECK ("cloud_prices"."unit" IN ('hour', 'gb_month', 'month'));
