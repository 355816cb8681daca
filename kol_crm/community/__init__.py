"""Community groups per KOL type (根据KOL的类型分类建立社群): the groups, who is in them, and
which groups suit a KOL."""
