# Your changes to the generated view persons: add or override fields here.
# journey-stitch generate created this file once and never overwrites it.
# See https://cloud.google.com/looker/docs/lookml-refinements

view: +persons {
}
