//! The dependency tree of a document, read for attribution: children, subtree edges,
//! subjects and clausal complements. Built once per document in linear time (children in
//! one counting pass, subtree edges in one pass over a breadth-first order), so every
//! lookup after that is O(1) or O(children).

use crate::doc::{Document, EntityLabel, Span};
use crate::syntax::{Pos, TokenSyntax};

use super::lexicon::entities_overlapping;

/// The arguments attribution asks a verb for; each token's first child in each role is
/// stored when the tree is built, so asking is O(1) however many children a token has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `nsubj`, `csubj` or `expl`.
    Subject,
    /// `nsubjpass`, `csubjpass`.
    PassiveSubject,
    /// `agent` ("by X" of a passive).
    Agent,
    /// `ccomp`.
    Complement,
    /// `dobj`.
    Object,
    /// `xcomp`.
    Infinitive,
    /// `pobj`.
    PrepObject,
}

const ROLES: usize = 7;

impl Role {
    fn of(dep: &str) -> Option<Role> {
        Some(match dep {
            "nsubj" | "csubj" | "expl" => Role::Subject,
            "nsubjpass" | "csubjpass" => Role::PassiveSubject,
            "agent" => Role::Agent,
            "ccomp" => Role::Complement,
            "dobj" => Role::Object,
            "xcomp" => Role::Infinitive,
            "pobj" => Role::PrepObject,
            _ => return None,
        })
    }
}

/// Children and subtree edges of every token of `doc.syntax`.
pub struct Tree<'d> {
    /// Each token's first child in each [`Role`] (`u32::MAX`: none).
    roles: Vec<[u32; ROLES]>,
    syntax: &'d [TokenSyntax],
    /// `children[child_start[i]..child_start[i + 1]]` are token `i`'s children, in order.
    child_start: Vec<usize>,
    children: Vec<usize>,
    /// Leftmost and rightmost token of each token's subtree (spaCy's `left_edge`,
    /// `right_edge`).
    left: Vec<usize>,
    right: Vec<usize>,
}

impl<'d> Tree<'d> {
    /// The tree of `doc`, or `None` when the document has no parse (`--no-syntax`) or the
    /// parse does not line up with the tokens.
    pub fn new(doc: &'d Document) -> Option<Self> {
        let syntax = doc.syntax.as_slice();
        let n = syntax.len();
        if n == 0 || n != doc.tokens.len() {
            return None;
        }
        let head = |i: usize| {
            let h = syntax[i].head;
            (h < n && h != i).then_some(h)
        };
        let mut child_start = vec![0usize; n + 1];
        for i in 0..n {
            if let Some(h) = head(i) {
                child_start[h + 1] += 1;
            }
        }
        for i in 0..n {
            child_start[i + 1] += child_start[i];
        }
        let mut roles = vec![[u32::MAX; ROLES]; n];
        // Tokens in increasing order: the first child in a role is the leftmost.
        for (i, token) in syntax.iter().enumerate() {
            if let (Some(h), Some(role), Ok(child)) =
                (head(i), Role::of(&token.dep), u32::try_from(i))
            {
                let slot = &mut roles[h][role as usize];
                if *slot == u32::MAX {
                    *slot = child;
                }
            }
        }
        let mut fill = child_start.clone();
        let mut children = vec![0usize; child_start[n]];
        // Tokens in increasing order, so each child list comes out sorted.
        for i in 0..n {
            if let Some(h) = head(i) {
                children[fill[h]] = i;
                fill[h] += 1;
            }
        }
        // Breadth-first from the roots: every token comes after its head, so the reverse
        // order sees a subtree's tokens before its root. A token on a cycle (never in a
        // well-formed parse) is not reached and keeps itself as its subtree.
        let mut order: Vec<usize> = (0..n).filter(|&i| head(i).is_none()).collect();
        let mut k = 0;
        while k < order.len() {
            let t = order[k];
            order.extend_from_slice(&children[child_start[t]..child_start[t + 1]]);
            k += 1;
        }
        let mut left: Vec<usize> = (0..n).collect();
        let mut right: Vec<usize> = (0..n).collect();
        for &t in order.iter().rev() {
            if let Some(h) = head(t) {
                left[h] = left[h].min(left[t]);
                right[h] = right[h].max(right[t]);
            }
        }
        Some(Tree {
            roles,
            syntax,
            child_start,
            children,
            left,
            right,
        })
    }

    pub fn len(&self) -> usize {
        self.syntax.len()
    }

    pub fn is_empty(&self) -> bool {
        self.syntax.is_empty()
    }

    pub fn syntax(&self, i: usize) -> &TokenSyntax {
        &self.syntax[i]
    }

    pub fn dep(&self, i: usize) -> &str {
        &self.syntax[i].dep
    }

    /// The head of `i`, `None` for a root.
    pub fn head(&self, i: usize) -> Option<usize> {
        let h = self.syntax[i].head;
        (h < self.syntax.len() && h != i).then_some(h)
    }

    pub fn children(&self, i: usize) -> &[usize] {
        &self.children[self.child_start[i]..self.child_start[i + 1]]
    }

    /// The first child of `i` with one of the labels.
    pub fn child(&self, i: usize, deps: &[&str]) -> Option<usize> {
        self.children(i)
            .iter()
            .copied()
            .find(|&c| deps.contains(&self.dep(c)))
    }

    /// The first child of `i` in `role`, in O(1).
    pub fn role(&self, i: usize, role: Role) -> Option<usize> {
        let c = self.roles[i][role as usize];
        (c != u32::MAX).then_some(c as usize)
    }

    /// First and last token of `i`'s subtree (inclusive).
    pub fn edges(&self, i: usize) -> (usize, usize) {
        (self.left[i], self.right[i])
    }

    /// The subject of verb `v`: its `nsubj`/`csubj`, or for a passive the object of its
    /// "by" agent (`nsubjpass` is the thing said, not the speaker). A verb without one
    /// shares the subject of the verb it is coordinated with or depends on ("… and said",
    /// ", saying …"), a few levels up at most.
    pub fn subject(&self, v: usize) -> Option<usize> {
        let mut v = v;
        for _ in 0..4 {
            if let Some(s) = self.role(v, Role::Subject) {
                return (self.dep(s) != "expl").then_some(s);
            }
            if let Some(agent) = self.role(v, Role::Agent) {
                return self.role(agent, Role::PrepObject);
            }
            if self.role(v, Role::PassiveSubject).is_some() {
                return None;
            }
            match self.dep(v) {
                "conj" | "advcl" | "xcomp" => v = self.head(v)?,
                _ => return None,
            }
        }
        None
    }

    /// The speaker's mention for subject token `s`: a pronoun alone; otherwise the noun
    /// phrase up to its head (its determiners, compounds and modifiers, not the
    /// prepositions, clauses or appositives after it), widened to the entity holding the
    /// head; when the head is no person but its appositive names one, that name
    /// ("A lawyer for the outlets, David Schulz, said").
    pub fn mention(&self, doc: &Document, s: usize) -> Span {
        let tokens = &doc.tokens;
        let token_span = |i: usize| Span::new(tokens[i].start, tokens[i].end);
        let syn = &self.syntax[s];
        if matches!(syn.pos, Some(Pos::Pron)) || syn.tag == "WP" {
            return token_span(s);
        }
        let person_entity = |i: usize| {
            entities_overlapping(doc, token_span(i))
                .iter()
                .find(|e| e.label == EntityLabel::Person)
                .map(|e| e.span)
        };
        if person_entity(s).is_none() {
            let appositive_name = self
                .children(s)
                .iter()
                .filter(|&&c| c > s && self.dep(c) == "appos")
                .find_map(|&c| person_entity(c));
            if let Some(name) = appositive_name {
                return name;
            }
        }
        let start = self
            .children(s)
            .iter()
            .filter(|&&c| c < s && !matches!(self.dep(c), "punct" | "cc" | "prep"))
            .map(|&c| self.left[c])
            .min()
            .unwrap_or(s);
        let end = self
            .children(s)
            .iter()
            .filter(|&&c| c > s && matches!(self.dep(c), "compound" | "flat" | "nummod"))
            .map(|&c| self.right[c])
            .max()
            .unwrap_or(s);
        let mut span = Span::new(tokens[start].start, tokens[end].end);
        // The entity holding the head ("Clinton" in "Hillary Clinton").
        if let Some(e) = entities_overlapping(doc, token_span(s)).first() {
            span = Span::new(span.start.min(e.span.start), span.end.max(e.span.end));
        }
        span
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Article;

    fn doc_with(heads: &[usize], deps: &[&str]) -> Document {
        let words: Vec<String> = (0..heads.len()).map(|i| format!("w{i}")).collect();
        let text = words.join(" ");
        let mut doc = Document::new(Article {
            id: "t".into(),
            title: None,
            text: text.clone(),
        });
        let mut at = 0;
        for w in &words {
            doc.tokens.push(crate::ner::Token {
                start: at,
                end: at + w.len(),
                norm: None,
                space_after: true,
            });
            at += w.len() + 1;
        }
        doc.syntax = heads
            .iter()
            .zip(deps)
            .map(|(&head, dep)| TokenSyntax {
                tag: "NN".into(),
                pos: Some(Pos::Noun),
                morph: String::new(),
                lemma: String::new(),
                dep: dep.to_string(),
                head,
                sent_start: false,
            })
            .collect();
        doc
    }

    #[test]
    fn edges_children_and_subject() {
        // w0 ← w1 (root) → w3 → w2 ; w1 → w4
        let d = doc_with(
            &[1, 1, 3, 1, 1],
            &["nsubj", "ROOT", "mark", "ccomp", "punct"],
        );
        let t = Tree::new(&d).expect("tree");
        assert_eq!(t.children(1), &[0, 3, 4]);
        assert_eq!(t.edges(1), (0, 4));
        assert_eq!(t.edges(3), (2, 3));
        assert_eq!(t.subject(1), Some(0));
        assert_eq!(t.child(1, &["ccomp"]), Some(3));
        assert_eq!(t.role(1, Role::Complement), Some(3));
        assert_eq!(t.role(1, Role::Object), None);
        // A cycle (never produced by the parser) leaves its tokens as their own subtrees.
        let d = doc_with(&[1, 0, 2], &["dep", "dep", "ROOT"]);
        let t = Tree::new(&d).expect("tree");
        assert_eq!(t.edges(0), (0, 0));
        assert!(Tree::new(&Document::new(Article {
            id: "e".into(),
            title: None,
            text: String::new()
        }))
        .is_none());
    }

    #[test]
    fn deep_chain_is_linear() {
        // A 200,000-token chain: no recursion, no quadratic walk.
        let n = 200_000;
        let heads: Vec<usize> = (0..n).map(|i| if i + 1 < n { i + 1 } else { i }).collect();
        let deps: Vec<&str> = (0..n).map(|_| "dep").collect();
        let d = doc_with(&heads, &deps);
        let t = Tree::new(&d).expect("tree");
        assert_eq!(t.edges(n - 1), (0, n - 1));
        assert_eq!(t.edges(0), (0, 0));
    }
}
