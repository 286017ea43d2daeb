# Your changes to the generated view rejected_rows: add or override fields here.
# journey-stitch generate created this file once and never overwrites it.
# See https://cloud.google.com/looker/docs/lookml-refinements

view: +rejected_rows {
}
