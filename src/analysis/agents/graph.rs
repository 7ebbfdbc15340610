//! The agent graph: a trace's [`AgentRun`]s in; nodes (agents, tools, models) and
//! edges (agent → tool, agent → model, agent → agent handoff) out, each with its call
//! count, total time and known cost, sorted by (kind, name).

use std::collections::BTreeMap;

use super::runs::{AgentRun, StepKind};

/// The column a node stands in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    Agent,
    Tool,
    Model,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Agent => "agent",
            NodeKind::Tool => "tool",
            NodeKind::Model => "model",
        }
    }
}

/// Count, time and known cost of a group of steps.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Load {
    pub count: u64,
    pub duration_ns: u64,
    /// `None` when no step of the group had a cost.
    pub cost_usd: Option<f64>,
}

impl Load {
    fn add(&mut self, duration_ns: u64, cost: Option<f64>) {
        self.count += 1;
        self.duration_ns = self.duration_ns.saturating_add(duration_ns);
        if let Some(c) = cost {
            self.cost_usd = Some(self.cost_usd.unwrap_or(0.0) + c);
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct AgentNode {
    pub kind: NodeKind,
    pub name: String,
    pub load: Load,
}

/// An edge between two nodes (indices into [`AgentGraph::nodes`]).
#[derive(Clone, Debug, PartialEq)]
pub struct AgentEdge {
    pub from: usize,
    pub to: usize,
    pub load: Load,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AgentGraph {
    pub nodes: Vec<AgentNode>,
    pub edges: Vec<AgentEdge>,
}

/// A node's identity while the graph is built.
type NodeKey = (NodeKind, String);

/// Builds the graph of one trace's runs. An agent node's load is its runs (span time,
/// cost of all their steps); tools and models count their steps. O(steps · log nodes).
pub fn agent_graph(runs: &[AgentRun]) -> AgentGraph {
    let unknown = "(unknown model)";
    let mut nodes: BTreeMap<NodeKey, Load> = BTreeMap::new();
    let mut edges: BTreeMap<(NodeKey, NodeKey), Load> = BTreeMap::new();
    for run in runs {
        let from = (NodeKind::Agent, run.name.clone());
        nodes.entry(from.clone()).or_default().add(run.duration_ns, run.cost_usd);
        for s in &run.steps {
            let kind = match s.kind {
                StepKind::Llm => NodeKind::Model,
                StepKind::Tool | StepKind::Retrieval => NodeKind::Tool,
                StepKind::Agent => NodeKind::Agent,
            };
            let name = s.name.clone().unwrap_or_else(|| unknown.to_string());
            let to = (kind, name);
            if kind != NodeKind::Agent {
                nodes.entry(to.clone()).or_default().add(s.duration_ns, s.cost_usd);
            }
            edges.entry((from.clone(), to)).or_default().add(s.duration_ns, s.cost_usd);
        }
    }
    let keys: Vec<NodeKey> = nodes.keys().cloned().collect();
    let index = |k: &NodeKey| keys.binary_search(k).unwrap_or(0);
    AgentGraph {
        edges: edges.iter().map(|((f, t), load)| AgentEdge { from: index(f), to: index(t), load: *load }).collect(),
        nodes: nodes.into_iter().map(|((kind, name), load)| AgentNode { kind, name, load }).collect(),
    }
}
