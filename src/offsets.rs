//! Conversion of internal UTF-8 byte offsets to the offsets users ask for.

/// Which unit offsets are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum OffsetUnit {
    /// Unicode code points, as Python's `str` and spaCy index text.
    #[default]
    Chars,
    /// UTF-8 bytes.
    Bytes,
}

/// Maps byte offsets of one text to the chosen unit. For ASCII text (most news) and for
/// byte output the map is the identity and costs nothing.
pub struct OffsetMap {
    /// Byte offset of every char start; empty when the map is the identity.
    char_starts: Vec<u32>,
    identity: bool,
}

impl OffsetMap {
    /// The map for `text`; build it once per text and convert every offset with it.
    pub fn new(text: &str, unit: OffsetUnit) -> Self {
        if unit == OffsetUnit::Bytes || text.is_ascii() {
            return OffsetMap {
                char_starts: Vec::new(),
                identity: true,
            };
        }
        let char_starts = text.char_indices().map(|(b, _)| b as u32).collect();
        OffsetMap {
            char_starts,
            identity: false,
        }
    }

    /// Converts a byte offset that lies on a char boundary (or at the end of the text).
    pub fn convert(&self, byte: usize) -> usize {
        if self.identity {
            byte
        } else {
            self.char_starts.partition_point(|&b| (b as usize) < byte)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_multibyte_offsets_to_code_points() {
        let text = "é “quoted” ok";
        let map = OffsetMap::new(text, OffsetUnit::Chars);
        let byte = text.find("quoted").unwrap();
        assert_eq!(map.convert(byte), 3);
        assert_eq!(map.convert(text.len()), text.chars().count());
        let bytes = OffsetMap::new(text, OffsetUnit::Bytes);
        assert_eq!(bytes.convert(byte), byte);
    }
}
