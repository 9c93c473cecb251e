"""The preview pane and the icons grid."""
